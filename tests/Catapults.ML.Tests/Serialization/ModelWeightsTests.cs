using Catapults.ML.Models;
using Catapults.ML.Serialization;
using Catapults.ML.Tests.Data.Fixtures;
using TorchSharp;

namespace Catapults.ML.Tests.Serialization;

public class ModelWeightsTests
{
    [TestCase("fcn-3", 8)]
    [TestCase("cnn-2", 4)]
    [TestCase("wrn-10-1", null)]
    [TestCase("vit-1", 8)]
    public void EveryArchitectureRoundTripsAndAnotherOneIsRefused(string architecture, int? width)
    {
        var description = new NetworkDescription { Architecture = architecture, Width = width };
        var shape = new long[] { 3, 8, 8 };
        using var source = description.Build(shape, 3, seed: 1);
        using var target = description.Build(shape, 3, seed: 2);
        using var stream = new MemoryStream();
        ModelWeights.Save(source, stream, new Dictionary<string, string> { ["note"] = "test" });
        stream.Position = 0;
        var file = SafetensorsFile.Read(stream);
        Assert.That(file.Metadata["model"], Is.EqualTo(source.Describe()));
        Assert.That(file.Metadata["note"], Is.EqualTo("test"));
        ModelWeights.Load(target, file);

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        source.eval();
        target.eval();
        var x = torch.randn(2, 192);
        Assert.That(ModelWeights.ToSingles(target.forward(x)), Is.EqualTo(ModelWeights.ToSingles(source.forward(x))));

        using var other = new NetworkDescription { Architecture = architecture == "cnn-2" ? "fcn-2" : "cnn-2", Width = 4 }.Build(shape, 3, seed: 3);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(other, file));
        Assert.That(ex!.Message, Does.StartWith("safetensors stream: ").And.Contain("tensor '"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ADisposedNetworkIsRefusedInsteadOfSavedWithoutWeights(bool centred)
    {
        // A disposed TorchSharp module lists no parameters, and the weights file used to be written with none.
        var description = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        NetworkModule network = centred ? new CenteredNetwork(() => description.Build(new long[] { 3 }, 1, seed: 1), gamma: 2) : description.Build(new long[] { 3 }, 1, seed: 1);
        Assert.That(network.IsDisposed, Is.False);
        network.Dispose();
        Assert.That(network.IsDisposed, Is.True);
        using var stream = new MemoryStream();
        var ex = Assert.Throws<ObjectDisposedException>(() => ModelWeights.Save(network, stream));
        Assert.That(ex!.Message, Is.EqualTo($"This {network.GetType().Name} has been disposed, and its weights with it; save or use a network before disposing it."));
        Assert.That(stream.Length, Is.Zero, "nothing written");
        Assert.Throws<ObjectDisposedException>(() => network.TrainableParameters());
        using var x = torch.randn(2, 3);
        Assert.Throws<ObjectDisposedException>(() => network.forward(x), "a forward pass says so too, not libtorch's 'empty handle'");
    }

    [Test]
    public void AFileThatDoesNotFitIsNamedInTheMessage()
    {
        var shape = new long[] { 5 };
        using var saved = new NetworkDescription { Architecture = "fcn-2", Width = 4 }.Build(shape, 1, seed: 1);
        using var wider = new NetworkDescription { Architecture = "fcn-2", Width = 6 }.Build(shape, 1, seed: 1);
        using (var temp = new TempDirectory())
        {
            string path = temp.Combine("weights.safetensors");
            ModelWeights.Save(saved, path);
            var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(wider, path));
            Assert.That(ex!.Message, Does.StartWith($"{path}: tensor 'layers.0.weight' has shape [4, 5]"));
            Assert.That(SafetensorsFile.Read(path).Source, Is.EqualTo(path));
            Assert.That(ModelWeights.ToSafetensors(saved).Source, Is.Null, "a file built in memory has no source");
        }
    }

    [Test]
    public void WeightsOfAnotherFunctionWithTheSameShapesAreRefused()
    {
        // A tanh network and a centred one have the ReLU network's tensors, shape for shape; only the description tells them apart.
        var relu = new NetworkDescription { Architecture = "fcn-2", Width = 4 };
        using var saved = relu.Build(new long[] { 3 }, 1, seed: 1);
        using var tanh = (relu with { Activation = ActivationKind.Tanh }).Build(new long[] { 3 }, 1, seed: 2);
        var file = ModelWeights.ToSafetensors(saved);
        Assert.That(file.Metadata[ModelWeights.DescriptionVersionKey], Is.EqualTo("1"));
        var before = ModelWeights.ToSingles(tanh.TrainableParameters()[0].Parameter);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(tanh, file));
        Assert.That(ex!.Message, Is.EqualTo($"the weights were saved from {saved.Describe()}; this model is {tanh.Describe()}."));
        Assert.That(ModelWeights.ToSingles(tanh.TrainableParameters()[0].Parameter), Is.EqualTo(before), "the model is left as it was");

        // A file without the version (older, or written by another tool) or of another version loads on its shapes.
        foreach (var metadata in new[]
        {
            new Dictionary<string, string> { [ModelWeights.DescriptionKey] = saved.Describe() },
            new Dictionary<string, string> { [ModelWeights.DescriptionKey] = saved.Describe(), [ModelWeights.DescriptionVersionKey] = "2" },
        })
        {
            ModelWeights.Load(tanh, new SafetensorsFile(file.Tensors, metadata));
            Assert.That(ModelWeights.ToSingles(tanh.TrainableParameters()[0].Parameter), Is.EqualTo(ModelWeights.ToSingles(saved.TrainableParameters()[0].Parameter)));
        }
    }

    // The description is culture-invariant: weights saved on a German desktop (output×0,5) load in an invariant container.
    [Test]
    public void WeightsSavedUnderAnotherCultureLoad()
    {
        var description = new NetworkDescription { Architecture = "fcn-2", Width = 4, OutputMultiplier = 0.5 };
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            using var saved = new CenteredNetwork(() => description.Build(new long[] { 3 }, 1, seed: 1), gamma: 0.25);
            var file = ModelWeights.ToSafetensors(saved);
            Assert.That(file.Metadata[ModelWeights.DescriptionKey], Does.Contain("output×0.5").And.Contain("γ = 0.25"));
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            using var loaded = new CenteredNetwork(() => description.Build(new long[] { 3 }, 1, seed: 2), gamma: 0.25);
            Assert.DoesNotThrow(() => ModelWeights.Load(loaded, file));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    private static NetworkModule Net(int seed) => new NetworkDescription { Architecture = "fcn-2", Width = 4 }.Build(new long[] { 3 }, 1, seed: seed);

    // The file of Net with every tensor replaced by <paramref name="replace"/>(its original).
    private static SafetensorsFile Replaced(NetworkModule model, Func<SafetensorsTensor, SafetensorsTensor> replace) =>
        new(ModelWeights.ToSafetensors(model).Tensors.Select(replace));

    [Test]
    public void NonFloatTensorsAndNonFiniteValuesAreRefusedNamingTheTensor()
    {
        using var model = Net(1);
        var before = ModelWeights.ToSingles(model.parameters().First());
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model,
            Replaced(model, t => new SafetensorsTensor(t.Name, SafetensorsDataType.BOOL, t.Shape.ToArray(), new byte[t.ElementCount]))));
        Assert.That(ex!.Message, Is.EqualTo("tensor 'layers.0.weight' is BOOL; weights must be floating point (F32, F64, F16 or BF16)."));
        ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model,
            Replaced(model, t => new SafetensorsTensor(t.Name, SafetensorsDataType.I64, t.Shape.ToArray(), new byte[t.ElementCount * 8]))));
        Assert.That(ex!.Message, Does.Contain("is I64"));
        ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model,
            Replaced(model, t => SafetensorsTensor.FromDoubles(t.Name, t.Shape.ToArray(), Enumerable.Repeat(1e300, (int)t.ElementCount).ToArray()))));
        Assert.That(ex!.Message, Is.EqualTo("tensor 'layers.0.weight' value 0 is 1E+300, not a finite float32 weight."));
        ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model,
            Replaced(model, t => SafetensorsTensor.FromSingles(t.Name, t.Shape.ToArray(), Enumerable.Repeat(float.NaN, (int)t.ElementCount).ToArray()))));
        Assert.That(ex!.Message, Is.EqualTo("tensor 'layers.0.weight' value 0 is NaN, not a finite float32 weight."));
        ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, ModelWeights.ToSafetensors(model), _ => 1e-45));
        Assert.That(ex!.Message, Does.StartWith("tensor 'layers.0.weight' divided by scale('layers.0.weight') = 1E-45 is not finite"));
        Assert.That(ModelWeights.ToSingles(model.parameters().First()), Is.EqualTo(before), "a refused file leaves the model as it was");
        Assert.That(model.HasFiniteParameters());
    }

    // Every value is checked, the last one of a tensor as well as the first.
    [Test]
    public void AnInfiniteLastValueIsRefusedNamingItsIndex()
    {
        using var model = Net(1);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, Replaced(model, t =>
        {
            var values = t.ToSingles();
            values[^1] = float.PositiveInfinity;
            return SafetensorsTensor.FromSingles(t.Name, t.Shape.ToArray(), values);
        })));
        Assert.That(ex!.Message, Does.StartWith("tensor 'layers.0.weight' value 11 is ").And.EndWith(", not a finite float32 weight."));
        Assert.That(model.HasFiniteParameters());
    }

    // Half-precision exports (torch.float16 and bfloat16 state dicts) are weights too: they load as their values.
    [TestCase(SafetensorsDataType.F16)]
    [TestCase(SafetensorsDataType.BF16)]
    public void HalfPrecisionWeightsLoadAsTheirValues(SafetensorsDataType type)
    {
        using var model = Net(1);
        // k/8 − 1 for small k: exact in float16 and bfloat16 alike.
        static float Value(long i) => (i % 16) / 8f - 1f;
        var file = Replaced(model, t =>
        {
            var bytes = new byte[t.ElementCount * 2];
            for (int i = 0; i < t.ElementCount; i++)
            {
                ushort bits = type == SafetensorsDataType.F16
                    ? BitConverter.HalfToUInt16Bits((Half)Value(i))
                    : (ushort)(BitConverter.SingleToUInt32Bits(Value(i)) >> 16);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), bits);
            }
            return new SafetensorsTensor(t.Name, type, t.Shape.ToArray(), bytes);
        });
        ModelWeights.Load(model, file);
        foreach (var (name, parameter) in model.TrainableParameters())
            Assert.That(ModelWeights.ToSingles(parameter), Is.EqualTo(Enumerable.Range(0, (int)parameter.numel()).Select(i => Value(i)).ToArray()), name);
    }

    [TestCase(0.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void AScaleThatIsZeroOrNotFiniteIsRefusedOnSaveAndLoad(double scale)
    {
        using var model = Net(1);
        var file = ModelWeights.ToSafetensors(model);
        var ex = Assert.Throws<ArgumentException>(() => ModelWeights.Load(model, file, _ => scale));
        Assert.That(ex!.Message, Does.StartWith($"scale('layers.0.weight') must be finite and non-zero, got {scale:G6}."));
        ex = Assert.Throws<ArgumentException>(() => ModelWeights.ToSafetensors(model, null, _ => scale));
        Assert.That(ex!.Message, Does.StartWith("scale('layers.0.weight') must be finite and non-zero"));
        Assert.That(model.HasFiniteParameters());
    }

    [Test]
    public void ACenteredNetworkRoundTripsWithItsFrozenInitialCopy()
    {
        using var a = new CenteredNetwork(() => Net(1), 2);
        using var b = new CenteredNetwork(() => Net(2), 2);
        using (torch.no_grad())
            foreach (var p in a.Network.parameters()) p.add_(0.1); // trained: f_w differs from f_w0
        var file = ModelWeights.ToSafetensors(a);
        Assert.That(file.Tensors.Select(t => t.Name), Has.Some.StartsWith("initial."), "the frozen copy is stored");
        ModelWeights.Load(b, file);
        Assert.That(b.TrainableParameters().Count, Is.EqualTo(a.TrainableParameters().Count), "the copy stays frozen");
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(4, 3);
        Assert.That(ModelWeights.ToSingles(b.forward(x)), Is.EqualTo(ModelWeights.ToSingles(a.forward(x))));
        var live = new SafetensorsFile(file.Tensors.Where(t => !t.Name.StartsWith("initial.", StringComparison.Ordinal)));
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(b, live));
        Assert.That(ex!.Message, Does.StartWith("the weights file has no tensor 'initial."), "a file without the copy is refused, not half loaded");
    }

    [Test]
    public void OtherNetworksStoreExactlyTheirTrainableParameters()
    {
        using var model = Net(1);
        Assert.That(ModelWeights.ToSafetensors(model).Tensors.Select(t => t.Name), Is.EqualTo(model.TrainableParameters().Select(p => p.Name)));
    }
    [Test]
    public void AnyNetworkThatDeclaresFrozenWeightsStoresAndRestoresThem()
    {
        using var a = new FrozenProjection(1);
        using var b = new FrozenProjection(2);
        var file = ModelWeights.ToSafetensors(a);
        Assert.That(file.Tensors.Select(t => t.Name), Is.EquivalentTo(new[] { "projection", "head" }));
        ModelWeights.Load(b, file);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(4, 3);
        Assert.That(ModelWeights.ToSingles(b.forward(x)), Is.EqualTo(ModelWeights.ToSingles(a.forward(x))));
    }

    // A random-features model: a frozen projection the user's class declares as stored, and a trainable head.
    private sealed class FrozenProjection : NetworkModule
    {
        private readonly TorchSharp.Modules.Parameter projection;
        private readonly TorchSharp.Modules.Parameter head;

        public FrozenProjection(int seed) : base(nameof(FrozenProjection))
        {
            var generator = new torch.Generator((ulong)seed);
            projection = new TorchSharp.Modules.Parameter(torch.randn(3, 8, generator: generator), requires_grad: false);
            head = new TorchSharp.Modules.Parameter(torch.randn(8, 1, generator: generator));
            RegisterComponents();
        }

        public override long[] InputShape => new long[] { 3 };
        public override int OutputCount => 1;
        public override string Describe() => "frozen projection";
        public override torch.Tensor forward(torch.Tensor input) => torch.nn.functional.relu(input.matmul(projection)).matmul(head);
        public override IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)> StoredParameters() =>
            named_parameters().Select(p => (p.name, p.parameter)).ToList();
    }
}
