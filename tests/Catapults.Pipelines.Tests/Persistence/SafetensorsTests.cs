using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Catapults.ML.Models;
using Catapults.ML.Serialization;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Persistence;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Tests.Trainers;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Persistence;

public class SafetensorsTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Test]
    public void TheBytesFollowTheFormat()
    {
        var file = new SafetensorsFile(new[] { SafetensorsTensor.FromSingles("w", new long[] { 2 }, new[] { 1f, -2f }) },
            new Dictionary<string, string> { ["note"] = "x" });
        using var stream = new MemoryStream();
        file.Write(stream);
        var bytes = stream.ToArray();

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(n % 8, Is.EqualTo(0UL), "the header is padded to 8 bytes");
        Assert.That(bytes.Length, Is.EqualTo(8 + (int)n + 8));
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd(' '));
        var w = header.RootElement.GetProperty("w");
        Assert.That(w.GetProperty("dtype").GetString(), Is.EqualTo("F32"));
        Assert.That(w.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { 2 }));
        Assert.That(w.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { 0, 8 }));
        Assert.That(header.RootElement.GetProperty("__metadata__").GetProperty("note").GetString(), Is.EqualTo("x"));
        var data = bytes.AsSpan(8 + (int)n);
        Assert.That(BinaryPrimitives.ReadSingleLittleEndian(data), Is.EqualTo(1f));
        Assert.That(BinaryPrimitives.ReadSingleLittleEndian(data[4..]), Is.EqualTo(-2f));
    }

    [Test]
    public void OtherDtypesConvertToSingle()
    {
        var f16 = new byte[4];
        BinaryPrimitives.WriteHalfLittleEndian(f16, (Half)1.5);
        BinaryPrimitives.WriteHalfLittleEndian(f16.AsSpan(2), (Half)(-0.25));
        var bf16 = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bf16, (ushort)(BitConverter.SingleToInt32Bits(3.0f) >> 16));
        var f64 = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(f64, 0.125);
        var i64 = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(i64, -7);
        var file = new SafetensorsFile(new[]
        {
            new SafetensorsTensor("a", SafetensorsDataType.F16, new long[] { 2 }, f16),
            new SafetensorsTensor("b", SafetensorsDataType.BF16, new long[] { 1 }, bf16),
            new SafetensorsTensor("c", SafetensorsDataType.F64, Array.Empty<long>(), f64),
            new SafetensorsTensor("d", SafetensorsDataType.I64, new long[] { 1, 1 }, i64),
        });
        using var stream = new MemoryStream();
        file.Write(stream);
        stream.Position = 0;
        var read = SafetensorsFile.Read(stream);
        Assert.That(read.Find("a")!.ToSingles(), Is.EqualTo(new[] { 1.5f, -0.25f }));
        Assert.That(read.Find("b")!.ToSingles(), Is.EqualTo(new[] { 3f }));
        Assert.That(read.Find("c")!.ToSingles(), Is.EqualTo(new[] { 0.125f }));
        Assert.That(read.Find("c")!.Shape, Is.Empty);
        Assert.That(read.Find("d")!.ToSingles(), Is.EqualTo(new[] { -7f }));
    }

    [Test]
    public void DoublesRoundTripExactlyAndOtherDtypesAreNotReadAsDoubles()
    {
        // Values a float32 cannot hold: the round trip must keep every bit.
        var values = new[] { Math.PI, -1e-300, double.MaxValue, 1.0 + Math.Pow(2, -52) };
        var file = new SafetensorsFile(new[]
        {
            SafetensorsTensor.FromDoubles("v", new long[] { 2, 2 }, values),
            SafetensorsTensor.FromSingles("s", new long[] { 1 }, new[] { 1f }),
        });
        using var stream = new MemoryStream();
        file.Write(stream);
        stream.Position = 0;
        var read = SafetensorsFile.Read(stream);
        var v = read.Find("v")!;
        Assert.That(v.DataType, Is.EqualTo(SafetensorsDataType.F64));
        Assert.That(v.Shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(v.ToDoubles().Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(values.Select(BitConverter.DoubleToInt64Bits)));
        var error = Assert.Throws<InvalidDataException>(() => read.Find("s")!.ToDoubles());
        Assert.That(error!.Message, Does.Contain("'s'").And.Contain("F32"));
    }

    [Test]
    public void BrokenFilesAreRefusedWithAReason()
    {
        static byte[] WithHeader(string json, int dataBytes)
        {
            var header = Encoding.UTF8.GetBytes(json);
            var bytes = new byte[8 + header.Length + dataBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
            header.CopyTo(bytes, 8);
            return bytes;
        }
        var gap = WithHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(gap)))!.Message, Does.Contain("gap"));
        var size = WithHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(size)))!.Message, Does.Contain("expected 12"));
        var truncated = WithHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(truncated)))!.Message, Does.Contain("ends inside"));
        var dtype = WithHeader("{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(dtype)))!.Message, Does.Contain("C64"));
        Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(Encoding.UTF8.GetBytes("PK not a safetensors file"))));
        // Only the format's names: Enum.TryParse took a number, a flag list and a name with spaces as F32.
        foreach (var name in new[] { "1", "F32, F64", " F32", "f32", "42" })
        {
            var other = WithHeader($"{{\"w\":{{\"dtype\":\"{name}\",\"shape\":[1],\"data_offsets\":[0,4]}}}}", 4);
            Assert.That(Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(other)))!.Message,
                Does.Contain($"has dtype '{name}', which is not supported"), name);
        }
        var unnamed = WithHeader("{\"\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(unnamed)))!.Message, Does.Contain("a tensor with an empty name"));
        var trailing = WithHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(trailing), "t.safetensors"))!.Message,
            Is.EqualTo("t.safetensors: 8 bytes follow the last tensor's data, which the header does not describe."));
    }

    [Test]
    public void ClaimedSizesAreCheckedBeforeAnythingIsAllocatedForThem()
    {
        static string Refusal(string json, int dataBytes)
        {
            var header = Encoding.UTF8.GetBytes(json);
            var bytes = new byte[8 + header.Length + dataBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
            header.CopyTo(bytes, 8);
            string? message = null;
            // A stream that knows its length, and one that does not (the bytes then arrive before anything grows).
            foreach (var stream in new Stream[] { new MemoryStream(bytes), new BufferedStream(new GZipStream(Compressed(bytes), CompressionMode.Decompress)) })
            {
                Assert.That(stream.CanSeek, Is.EqualTo(message is null));
                long before = GC.GetAllocatedBytesForCurrentThread();
                var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "claims.safetensors"));
                Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16L << 20), "allocated for the claim");
                Assert.That(ex!.Message, Does.StartWith("claims.safetensors: "));
                message ??= ex.Message;
                Assert.That(ex.Message, Is.EqualTo(message), "the same refusal from either stream");
            }
            return message!;
        }
        // 1.6 GB declared, 16 bytes present.
        Assert.That(Refusal("{\"w\":{\"dtype\":\"F32\",\"shape\":[400000000],\"data_offsets\":[0,1600000000]}}", 16),
            Does.Contain("ends inside the tensor data: 1,600,000,000 bytes declared, 16 follow"));
        // More than one array can hold (this used to end in an OverflowException that named no file).
        Assert.That(Refusal("{\"w\":{\"dtype\":\"F32\",\"shape\":[600000000],\"data_offsets\":[0,2400000000]}}", 16),
            Does.Contain("more than this reader holds in memory"));
        // A shape whose size wraps to 0 in 64 bits (it used to pass as an empty tensor).
        Assert.That(Refusal("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}", 0),
            Does.Contain("more elements than any file holds"));

        var header = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(header, 50_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(header)));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16L << 20), "allocated for the header's claim");
        Assert.That(ex!.Message, Does.Contain("ends inside the header: 50,000,000 bytes declared, 8 follow"));
    }

    private static MemoryStream Compressed(byte[] bytes)
    {
        var packed = new MemoryStream();
        using (var zip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(bytes);
        packed.Position = 0;
        return packed;
    }

    private TorchNetworkRegressionTransformer TrainTwoHiddenLayers(ActivationKind activation, Parameterization parameterization)
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Network = new NetworkDescription { Architecture = "fcn-3", Width = 8, Activation = activation, Parameterization = parameterization, OutputMultiplier = 0.5 };
        return _ml.Regression.Trainers.TorchNetwork(options).Fit(_ml.Data.LoadFromEnumerable(TestData.Rank2(64, seed: 81)));
    }

    /// <summary>An MLP forward pass in double, from the file's tensors and nothing else.</summary>
    private static double ManualForward(SafetensorsFile file, float[] x, bool folded)
    {
        var m = file.Metadata;
        var scales = m["weight_scales"].Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        double multiplier = double.Parse(m["output_multiplier"], System.Globalization.CultureInfo.InvariantCulture);
        var h = x.Select(v => (double)v).ToArray();
        for (int l = 0; l < scales.Length; l++)
        {
            var w = file.Find($"layers.{l}.weight")!;
            var b = file.Find($"layers.{l}.bias")!.ToSingles();
            var wv = w.ToSingles();
            int rows = (int)w.Shape[0], cols = (int)w.Shape[1];
            var next = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                double z = 0;
                for (int j = 0; j < cols; j++) z += wv[i * cols + j] * h[j];
                next[i] = (folded ? z : scales[l] * z) + b[i];
                if (l + 1 < scales.Length) next[i] = Math.Tanh(next[i]);
            }
            h = next;
        }
        return folded ? h[0] : multiplier * h[0];
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ExportedWeightsReproduceThePredictionsByAPlainForwardPass(bool fold)
    {
        using var model = TrainTwoHiddenLayers(ActivationKind.Tanh, Parameterization.Ntk);
        using (var temp = new TempDirectory())
        {
            string path = temp.Combine("weights.safetensors");
            model.ExportWeights(path, new WeightExportOptions { FoldScales = fold });
            var file = SafetensorsFile.Read(path);
            Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(new[]
            {
                "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias",
            }));
            Assert.That(file.Find("layers.0.weight")!.Shape, Is.EqualTo(new long[] { 8, TestData.Dimension }));
            Assert.That(file.Metadata["scales_folded"], Is.EqualTo(fold ? "true" : "false"));
            Assert.That(file.Metadata["parameterization"], Is.EqualTo("ntk"));
            foreach (var row in TestData.Rank2(20, seed: 82))
                Assert.That(ManualForward(file, row.Features, fold), Is.EqualTo(model.Model.PredictRaw(row.Features)[0]).Within(1e-5));

            // Importing into the same architecture, whatever its initial weights, restores the predictions exactly.
            using var network = NetworkWeights.LoadNetwork(path);
            var x = TestData.Rank2(1, seed: 83)[0].Features;
            using var input = TorchSharp.torch.tensor(x, new long[] { 1, x.Length });
            using var output = network.forward(input);
            Assert.That(output.item<float>(), Is.EqualTo(model.Model.PredictRaw(x)[0]).Within(fold ? 1e-6 : 0));
        }
    }

    // Folded weights are the plain MLP: they load into a network of another output multiplier and compute the same
    // function. Unfolded ones would compute another, so their description is compared.
    [Test]
    public void FoldedWeightsLoadIntoAnotherMultiplierAndUnfoldedOnesAreRefused()
    {
        var description = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        using var source = (FullyConnectedNetwork)description.Build(new long[] { 3 }, 1, seed: 1);
        using var target = (FullyConnectedNetwork)(description with { OutputMultiplier = 0.25 }).Build(new long[] { 3 }, 1, seed: 2);
        using var x = TorchSharp.torch.randn(4, 3);
        using (var temp = new TempDirectory())
        {
            string folded = temp.Combine("folded.safetensors"), plain = temp.Combine("plain.safetensors");
            NetworkWeights.Export(source, folded, new WeightExportOptions { FoldScales = true });
            NetworkWeights.Export(source, plain);
            NetworkWeights.Import(target, folded);
            using (TorchSharp.torch.no_grad())
                Assert.That(ModelWeights.ToSingles(target.forward(x)), Is.EqualTo(ModelWeights.ToSingles(source.forward(x))).Within(1e-5));
            var ex = Assert.Throws<InvalidDataException>(() => NetworkWeights.Import(target, plain));
            Assert.That(ex!.Message, Is.EqualTo($"{plain}: the weights were saved from {source.Describe()}; this model is {target.Describe()}."));

            // Flags and versions spelt otherwise than Export writes them are refused by name: "True" was read as false,
            // and the folded weights loaded as raw ones, computing another function.
            var file = SafetensorsFile.Read(folded);
            foreach (var (key, value, expected) in new[]
            {
                ("scales_folded", "True", "metadata 'scales_folded' must be true or false, got 'True'"),
                ("scales_folded", "yes", "metadata 'scales_folded' must be true or false, got 'yes'"),
                ("format_version", "x", "metadata 'format_version' must be a whole number from 1, got 'x'"),
            })
            {
                var edited = new SafetensorsFile(file.Tensors, new Dictionary<string, string>(file.Metadata) { [key] = value });
                Assert.That(Assert.Throws<InvalidDataException>(() => NetworkWeights.Import(target, edited))!.Message, Does.Contain(expected), value);
                Assert.That(Assert.Throws<InvalidDataException>(() => NetworkWeights.LoadNetwork(edited).Dispose())!.Message, Does.Contain(expected), value);
            }
            var bias = new SafetensorsFile(file.Tensors, new Dictionary<string, string>(file.Metadata) { ["use_bias"] = "TRUE" });
            Assert.That(Assert.Throws<InvalidDataException>(() => NetworkWeights.LoadNetwork(bias).Dispose())!.Message,
                Does.Contain("metadata 'use_bias' must be true or false, got 'TRUE'"));
        }
    }

    [Test]
    public void ImportReplacesWeightsAndChecksShapes()
    {
        using var source = TrainTwoHiddenLayers(ActivationKind.Tanh, Parameterization.Ntk);
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Network = new NetworkDescription { Architecture = "fcn-3", Width = 8, Activation = ActivationKind.Tanh, OutputMultiplier = 0.5 };
        options.Seed = 1234;
        options.Training = options.Training with { MaxSteps = 1 };
        using var target = _ml.Regression.Trainers.TorchNetwork(options).Fit(_ml.Data.LoadFromEnumerable(TestData.Rank2(64, seed: 84)));
        var x = TestData.Rank2(1, seed: 85)[0].Features;
        Assert.That(target.Model.PredictRaw(x)[0], Is.Not.EqualTo(source.Model.PredictRaw(x)[0]));
        using (var temp = new TempDirectory())
        {
            string path = temp.Combine("weights.safetensors");
            source.ExportWeights(path);
            target.ImportWeights(path);
            Assert.That(target.Model.PredictRaw(x)[0], Is.EqualTo(source.Model.PredictRaw(x)[0]));

            using var narrow = _ml.Regression.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkRegressionTrainer.Options { Network = new NetworkDescription { Activation = ActivationKind.Tanh } }))
                .Fit(_ml.Data.LoadFromEnumerable(TestData.Rank2(64, seed: 86)));
            var ex = Assert.Throws<InvalidDataException>(() => narrow.ImportWeights(path));
            Assert.That(ex!.Message, Does.Contain("layers.0.weight").Or.Contain("layers.2"));
            Assert.That(ex.Message, Does.StartWith(path + ": "));

            // Metadata that cannot rebuild a network names the file and the key.
            var file = SafetensorsFile.Read(path);
            var edited = new Dictionary<string, string>(file.Metadata) { ["hidden_widths"] = "8,x" };
            var broken = new SafetensorsFile(file.Tensors, edited) { Source = path };
            var metadata = Assert.Throws<InvalidDataException>(() => NetworkWeights.LoadNetwork(broken));
            Assert.That(metadata!.Message, Is.EqualTo($"{path}: the weights file's metadata 'hidden_widths' must be a Int32, got '8,x'."));
            edited["hidden_widths"] = "8,0";
            metadata = Assert.Throws<InvalidDataException>(() => NetworkWeights.LoadNetwork(new SafetensorsFile(file.Tensors, edited) { Source = path }));
            Assert.That(metadata!.Message, Does.StartWith($"{path}: the weights file describes a network that cannot be built: "));
        }
    }
}
