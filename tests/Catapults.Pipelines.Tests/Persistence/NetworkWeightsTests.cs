using Catapults.ML.Models;
using Catapults.ML.Serialization;
using Catapults.Pipelines.Persistence;

namespace Catapults.Pipelines.Tests.Persistence;

/// <summary>
/// A weights file's description of its network: every activation and parameterisation rebuilds as itself, weights of
/// another activation or parameterisation are refused by name, and only format version 1, spelt as Export writes it,
/// is read. Found by mutation testing (round 14B).
/// </summary>
public sealed class NetworkWeightsTests
{
    private static FullyConnectedNetwork Build(ActivationKind activation, Parameterization parameterization) =>
        (FullyConnectedNetwork)new NetworkDescription { Architecture = "fcn-2", Width = 4, Activation = activation, Parameterization = parameterization }
            .Build(new long[] { 3 }, 1, seed: 1);

    [Test]
    public void EveryActivationAndParameterisationRebuildsAsItself()
    {
        foreach (var activation in Enum.GetValues<ActivationKind>())
            foreach (var parameterization in Enum.GetValues<Parameterization>())
            {
                using var source = Build(activation, parameterization);
                using var loaded = NetworkWeights.LoadNetwork(NetworkWeights.ToSafetensors(source));
                Assert.That((loaded.Activation, loaded.Options.Parameterization), Is.EqualTo((activation, parameterization)));
            }
    }

    [Test]
    public void WeightsOfAnotherActivationOrParameterisationAreRefusedByName()
    {
        using var tanh = Build(ActivationKind.Tanh, Parameterization.Ntk);
        using var relu = Build(ActivationKind.Relu, Parameterization.Ntk);
        using var standard = Build(ActivationKind.Tanh, Parameterization.Standard);
        var file = NetworkWeights.ToSafetensors(tanh);
        var ex = Assert.Throws<InvalidDataException>(() => NetworkWeights.Import(relu, file));
        Assert.That(ex!.Message, Is.EqualTo("The weights file was written for activation 'tanh', the network uses Relu."));
        ex = Assert.Throws<InvalidDataException>(() => NetworkWeights.Import(standard, file));
        Assert.That(ex!.Message, Is.EqualTo("The weights file was written for parameterisation 'ntk', the network uses Standard."));
    }

    [TestCase("0", "The weights file's metadata 'format_version' must be a whole number from 1, got '0'.")]
    [TestCase(" 1", "The weights file's metadata 'format_version' must be a whole number from 1, got ' 1'.")]
    [TestCase("+1", "The weights file's metadata 'format_version' must be a whole number from 1, got '+1'.")]
    [TestCase("2", "The weights file has format version 2; this library reads up to 1.")]
    public void OnlyFormatVersionOneAsExportWritesItIsRead(string version, string expected)
    {
        using var network = Build(ActivationKind.Tanh, Parameterization.Ntk);
        var file = NetworkWeights.ToSafetensors(network);
        var edited = new SafetensorsFile(file.Tensors, new Dictionary<string, string>(file.Metadata) { ["format_version"] = version });
        Assert.That(Assert.Throws<InvalidDataException>(() => NetworkWeights.Import(network, edited))!.Message, Is.EqualTo(expected));
        Assert.That(Assert.Throws<InvalidDataException>(() => NetworkWeights.LoadNetwork(edited).Dispose())!.Message, Is.EqualTo(expected));
    }

    // A file without the 'format' metadata is another writer's: its tensors are read by name and shape, and its other
    // metadata, which need not mean what this format means by the same keys, is not checked (mutant 17C-M36 read a
    // foreign 'format_version' and 'activation' as this format's and refused the file).
    [Test]
    public void AnotherWritersMetadataIsNotReadAsThisFormats()
    {
        using var source = Build(ActivationKind.Tanh, Parameterization.Ntk);
        using var target = (FullyConnectedNetwork)new NetworkDescription { Architecture = "fcn-2", Width = 4, Activation = ActivationKind.Tanh, Parameterization = Parameterization.Ntk }
            .Build(new long[] { 3 }, 1, seed: 2);
        var foreign = new SafetensorsFile(NetworkWeights.ToSafetensors(source).Tensors,
            new Dictionary<string, string> { ["format_version"] = "0.4", ["activation"] = "swish" });
        NetworkWeights.Import(target, foreign);
        var expected = NetworkWeights.ToSafetensors(source).Tensors.Select(t => (t.Name, t.Data)).ToList();
        Assert.That(NetworkWeights.ToSafetensors(target).Tensors.Select(t => (t.Name, t.Data)).ToList(), Is.EqualTo(expected));
    }

    // A weights file of another format is refused by its format, by LoadNetwork before it reads any other key and by
    // Import before it reads the rest of the metadata as this format's (mutants 22A-A24 and 22A-A28: LoadNetwork then
    // named a missing key, and Import loaded the file).
    [Test]
    public void AWeightsFileOfAnotherFormatIsRefusedByItsFormat()
    {
        using var network = Build(ActivationKind.Tanh, Parameterization.Ntk);
        var file = NetworkWeights.ToSafetensors(network);
        const string expected = "The weights file's format is 'other.format', not 'catapults.fully_connected'.";
        var other = new SafetensorsFile(file.Tensors, new Dictionary<string, string> { ["format"] = "other.format" });
        Assert.That(Assert.Throws<InvalidDataException>(() => NetworkWeights.LoadNetwork(other).Dispose())!.Message, Is.EqualTo(expected));
        var renamed = new SafetensorsFile(file.Tensors, new Dictionary<string, string>(file.Metadata) { ["format"] = "other.format" });
        Assert.That(Assert.Throws<InvalidDataException>(() => NetworkWeights.Import(network, renamed))!.Message, Is.EqualTo(expected));
    }

    // The description in the metadata rebuilds the network as it was: a linear model (no hidden layer, an empty
    // hidden_widths), a network without biases, and an output multiplier to its last bit (mutants 22A-A21, 22A-A23 and
    // 22A-A22 refused the first two and rounded the multiplier to six digits).
    [Test]
    public void ALinearModelABiasFreeNetworkAndAnInexactMultiplierRebuildAsThemselves()
    {
        foreach (var options in new[]
        {
            new FullyConnectedOptions { InputDimension = 3, HiddenWidths = Array.Empty<int>(), Seed = 1 },
            new FullyConnectedOptions { InputDimension = 3, HiddenWidths = new[] { 4 }, UseBias = false, Seed = 1 },
            new FullyConnectedOptions { InputDimension = 3, HiddenWidths = new[] { 4 }, OutputMultiplier = 1.0 / 3, Seed = 1 },
        })
        {
            using var source = new FullyConnectedNetwork(options);
            using var loaded = NetworkWeights.LoadNetwork(NetworkWeights.ToSafetensors(source));
            Assert.That(loaded.Options.HiddenWidths, Is.EqualTo(options.HiddenWidths));
            Assert.That(loaded.Options.UseBias, Is.EqualTo(options.UseBias));
            Assert.That(loaded.OutputMultiplier, Is.EqualTo(options.OutputMultiplier), "exactly");
            using var x = TorchSharp.torch.randn(5, 3);
            using (TorchSharp.torch.no_grad())
                Assert.That(ModelWeights.ToSingles(loaded.forward(x)), Is.EqualTo(ModelWeights.ToSingles(source.forward(x))));
        }
    }

    // The metadata's numbers are read in the invariant culture, as Export writes them: in de-DE "0.5" would be 5 ('.'
    // groups thousands) and the output multiplier ten times too large (mutant 22A-A20).
    [Test]
    public void TheDescriptionIsReadInTheInvariantCultureWhateverTheThreads()
    {
        using var source = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = new[] { 4 }, OutputMultiplier = 0.5, Seed = 1 });
        var file = NetworkWeights.ToSafetensors(source);
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            using var loaded = NetworkWeights.LoadNetwork(file);
            Assert.That(loaded.OutputMultiplier, Is.EqualTo(0.5));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    // The metadata's "forward" tells a PyTorch user how to compute f(x) from the file: with the scales s and m for raw
    // weights, without them for folded ones (mutant 30B-M17 swapped the two formulas).
    [Test]
    public void TheForwardFormulaInTheMetadataFitsTheWeightsItDescribes()
    {
        using var network = Build(ActivationKind.Tanh, Parameterization.Ntk);
        string raw = NetworkWeights.ToSafetensors(network).Metadata["forward"];
        string folded = NetworkWeights.ToSafetensors(network, new WeightExportOptions { FoldScales = true }).Metadata["forward"];
        Assert.That(raw, Does.Contain("act(s(l) * h(l) @ W(l).T + b(l))").And.Contain("s = weight_scales, m = output_multiplier"));
        Assert.That(folded, Does.Contain("act(h(l) @ W(l).T + b(l))").And.Contain("(scales folded in)").And.Not.Contain("s(l)").And.Not.Contain("m *"));
    }
}
