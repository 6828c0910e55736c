using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Prediction;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Tests.Trainers;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Persistence;

/// <summary>
/// A network stage whose description cannot hold its network is refused when it is loaded, not when it predicts: an
/// input size of 0, and a loss whose head reads another number of outputs than the network has.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class NetworkStageLoadTests
{
    private readonly MLContext _ml = new(seed: 1);
    private byte[] _archive = Array.Empty<byte>();

    [OneTimeSetUp]
    public void SaveABinaryCrossEntropyNetwork()
    {
        var options = Tiny.Configure(new TorchNetworkBinaryTrainer.Options { Loss = ClassificationLoss.CrossEntropy });
        options.Training = options.Training with { MaxEpochs = 1 };
        options.Diagnostics = new TrainingDiagnosticsOptions { Enabled = true, Every = 2, TopEigenvalueCount = 1, ProbeSize = 16 };
        var data = _ml.Data.LoadFromEnumerable(TestData.Binary(Tiny.Rows, seed: 8));
        using var model = _ml.BinaryClassification.Trainers.TorchNetwork(options).Fit(data);
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        _archive = stream.ToArray();
    }

    [Test]
    public void TheUneditedArchiveLoads()
    {
        using var model = (TorchNetworkBinaryTransformer)_ml.Model.LoadCatapultsModel(new MemoryStream(_archive), out _);
        Assert.That(model.Model.OutputCount, Is.EqualTo(2));
        Assert.That(model.Report.CatapultEvents, Is.Not.Null, "catapults were measured");
    }

    [Test]
    public void ACatapultTableSavedWithoutASpectrumIsNotRead()
    {
        // Archives written before 5 Dec 2026 kept the table even where catapults were not measured; without a spectrum
        // (TopEigenvalueCount 0) the count is not measured, so it reads null, not a count.
        using var model = (TorchNetworkBinaryTransformer)Loaded(json => json["options"]!["Diagnostics"]!["TopEigenvalueCount"] = 0);
        Assert.That(model.Report.CatapultEvents, Is.Null);
        Assert.That(model.Report.CatapultCount, Is.Null);
    }

    // Likewise with catapult detection off (mutation round 14B): the count was not measured, so it reads null.
    [Test]
    public void ACatapultTableSavedWithDetectionOffIsNotRead()
    {
        using var model = (TorchNetworkBinaryTransformer)Loaded(json => json["options"]!["Diagnostics"]!["DetectCatapults"] = false);
        Assert.That(model.Report.CatapultEvents, Is.Null);
        Assert.That(model.Report.CatapultCount, Is.Null);
        Assert.That(model.Report.Diagnostics, Is.Not.Null, "the other diagnostics tables are kept");
    }

    [Test]
    public void AnInputSizeOf0IsRefused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load(json => json["inputShape"] = new JsonArray(0)));
        Assert.That(ex!.Message, Does.Contain("inputShape must be one or more sizes of at least 1").And.Contain("got [0]"));
    }

    [Test]
    public void ALossWhoseHeadReadsAnotherOutputCountIsRefused()
    {
        // Two logits saved; the squared-loss binary head reads one, and would silently ignore the other. The edit is
        // damage of network.json, refused with one line naming that entry, as other damage is.
        var ex = Assert.Throws<InvalidDataException>(() => Load(json => json["options"]!["Loss"] = "MeanSquaredError"));
        Assert.That(ex!.Message, Does.Match(@"network\.json: The network has 2 outputs; the BinaryClassification head reads 1\.$"));
    }

    private void Load(Action<JsonObject> edit) => (Loaded(edit) as IDisposable)?.Dispose();

    private ITransformer Loaded(Action<JsonObject> edit)
    {
        using var copy = new MemoryStream();
        copy.Write(_archive);
        using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("/network.json", StringComparison.Ordinal));
            JsonObject json;
            using (var reader = entry.Open()) json = JsonNode.Parse(reader)!.AsObject();
            string name = entry.FullName;
            entry.Delete();
            edit(json);
            using var writer = zip.CreateEntry(name).Open();
            writer.Write(Encoding.UTF8.GetBytes(json.ToJsonString()));
        }
        copy.Position = 0;
        return _ml.Model.LoadCatapultsModel(copy, out _);
    }
}
