using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Training;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Features;
using Catapults.Pipelines.Sample;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Pipelines;

/// <summary>Every architecture through the ML.NET trainers, on image columns whose shape (C, H, W) the trainer reads.</summary>
public class ImagePipelineTests
{
    private readonly MLContext _ml = new(seed: 0);

    /// <summary>Tiny 3×8×8 images with a key label: class k brightens channel k's upper-left quadrant.</summary>
    public sealed class ImageRow
    {
        [VectorType(3, 8, 8)] public float[] Features { get; set; } = Array.Empty<float>();
        [KeyType(3)] public uint Label { get; set; }
    }

    /// <summary>The same pixels in a flat column, which says nothing of the image shape.</summary>
    public sealed class FlatRow
    {
        [VectorType(192)] public float[] Features { get; set; } = Array.Empty<float>();
        [KeyType(3)] public uint Label { get; set; }
    }

    public sealed class ClassPrediction
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    private static List<ImageRow> Images(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i =>
        {
            int k = i % 3;
            var x = Enumerable.Range(0, 192).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) x[k * 64 + r * 8 + c] += 1.5f;
            return new ImageRow { Features = x, Label = (uint)k }; // LoadFromEnumerable shifts key fields to 1-based keys
        }).ToList();
    }

    private static TorchNetworkMulticlassTrainer.Options Options(string architecture, int? width) => new()
    {
        Network = new NetworkDescription { Architecture = architecture, Width = width },
        Training = TorchNetworkDefaults.Training with { LearningRate = 0.05, BatchSize = 12, MaxEpochs = 2 },
        Seed = 5,
    };

    // A width whose training cannot fit took the machine's memory until the kernel killed the process (fcn, cnn: the
    // weights alone fit, the gradients and a batch's activations did not), or failed an allocation inside libtorch and
    // then crashed it (vit); each is now refused before the network is built (found by the review of 5 Dec 2026). The
    // sizes are far past this machine's memory, so that an estimate too low shows as a failure, not as a killed host.
    [TestCase("fcn-2", 200_000_000)]
    [TestCase("cnn-2", 10_000_000)]
    [TestCase("vit-1", 1_000_000)]
    [TestCase("wrn-10-1000", null)]
    public void AWidthWhoseTrainingCannotFitIsRefusedBeforeTheNetworkIsBuilt(string architecture, int? width)
    {
        var data = _ml.Data.LoadFromEnumerable(Images(36, seed: 1));
        var ex = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.Trainers.TorchNetwork(Options(architecture, width)).Fit(data));
        Assert.That(ex!.Message, Does.StartWith($"Training {architecture}").And.Contain("needs about").And.Contain("more than the").And.Contain("(Network, Training.BatchSize)"));
    }

    [TestCase("fcn-2", 16)]
    [TestCase("cnn-2", 4)]
    [TestCase("wrn-10-1", null)]
    [TestCase("vit-1", 8)]
    public void EveryArchitectureTrainsSavesLoadsAndPredicts(string architecture, int? width)
    {
        var data = _ml.Data.LoadFromEnumerable(Images(36, seed: 1));
        using var model = _ml.MulticlassClassification.Trainers.TorchNetwork(Options(architecture, width)).Fit(data);
        Assert.That(model.Model.Network.InputShape, Is.EqualTo(architecture.StartsWith("fcn") ? new long[] { 192 } : new long[] { 3, 8, 8 }));
        Assert.That(model.Report.Result.Steps, Is.EqualTo(6));

        using (var temp = new TempDirectory())
        {
            string path = temp.Combine("model.zip");
            _ml.Model.SaveCatapultsModel(model, data.Schema, path);
            var loaded = (TorchNetworkMulticlassTransformer)_ml.Model.LoadCatapultsModel(path, out _);
            using var disposeLoaded = loaded;
            Assert.That(loaded.Options.Network, Is.EqualTo(model.Options.Network));
            var row = Images(1, seed: 2)[0];
            var before = _ml.Model.CreatePredictionEngine<ImageRow, ClassPrediction>(model).Predict(row).Score;
            var after = _ml.Model.CreatePredictionEngine<ImageRow, ClassPrediction>(loaded).Predict(row).Score;
            Assert.That(after, Is.EqualTo(before), "the loaded network predicts as the saved one");
        }
    }

    [Test]
    public void TheImageShapeSurvivesStandardisation()
    {
        var data = _ml.Data.LoadFromEnumerable(Images(12, seed: 6));
        var normalized = _ml.Transforms.NormalizeMeanVariance("Features", fixZero: false).Fit(data).Transform(data);
        Assert.That(Catapults.Pipelines.Data.ImageColumnShape.Read(normalized.Schema["Features"]), Is.EqualTo(new Catapults.ML.Data.Images.ImageShape(3, 8, 8)));
    }

    [Test]
    public void AnImageNetworkNeedsTheColumnsImageShape()
    {
        var flat = _ml.Data.LoadFromEnumerable(Images(12, seed: 3).Select(r => new FlatRow { Features = r.Features, Label = r.Label }));
        var ex = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.Trainers.TorchNetwork(Options("cnn-2", 4)).Fit(flat));
        Assert.That(ex!.Message, Does.Contain("'Features'").And.Contain("no image shape").And.Contain("cnn-2"));
        Assert.That(ex.Message.Split('\n'), Has.Length.EqualTo(1), "one line");
    }

    [Test]
    public void DiagnosticsAgopFeaturesAndAlignmentWorkOnAnImageModel()
    {
        var data = _ml.Data.LoadFromEnumerable(Images(36, seed: 4));
        var options = Options("cnn-2", 4);
        options.Diagnostics = new TrainingDiagnosticsOptions { Enabled = true, Every = 2, ProbeSize = 12 };
        using var model = _ml.MulticlassClassification.Trainers.TorchNetwork(options).Fit(data);
        var diagnostics = model.Report.Diagnostics!;
        Assert.That(diagnostics.Rows.Count, Is.GreaterThan(1));
        Assert.That(diagnostics.Rows.Select(r => (double?)r["Lambda1"]), Has.All.GreaterThan(0), "NTK λ₁ of the CNN");
        Assert.That(model.Report.CriticalRates!.Rows.Count, Is.GreaterThan(0), "per-batch η_crit");
        Assert.That(model.Report.CatapultCount, Is.Not.Null);

        // AGOP features with respect to the 192 pixels: the top-2 directions as a new column.
        var agop = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Network = model, Map = { Kind = AgopFeatureMapKind.TopEigenvectors, Rank = 2 } }).Fit(data);
        using var __ = agop;
        Assert.That(((VectorDataViewType)agop.Transform(data).Schema["AgopFeatures"].Type).Size, Is.EqualTo(2));

        var self = _ml.MulticlassClassification.EvaluateWithAlignment(model, data, ReferenceAgop.OfModel(model.Model.Network), maximumAgopRows: 12);
        Assert.That(self.AgopAlignment, Is.EqualTo(1).Within(1e-9));
        Assert.That(self.Metrics.ConfusionMatrix.NumberOfClasses, Is.EqualTo(3));
    }

    [Test]
    public void TheCifarSampleRunsOnFilesInTheOfficialFormat()
    {
        using var temp = new TempDirectory();
        DatasetFixtures.WriteCifar(temp.Path, perBatch: 12, testCount: 10);
        var output = new StringWriter();
        var result = CifarPipeline.Run(temp.Path, new CifarPipeline.Settings(SamplesPerClass: 5, Epochs: 2, BatchSize: 5, Width: 4, ReferenceWidth: 6, AgopRows: 8), output);
        TestContext.Progress.WriteLine(output.ToString());
        Assert.That(result.Metrics.ConfusionMatrix.NumberOfClasses, Is.EqualTo(3));
        Assert.That(result.AgopAlignment, Is.InRange(0.0, 1.0 + 1e-9));
        Assert.That(result.Catapults, Is.Not.Null, "trained with diagnostics");
        Assert.That(output.ToString(), Does.Contain("CNN on CIFAR-10").And.Contain("accuracy"));
    }

    [Test]
    public void TheSampleProgramAnswersBadArgumentsInOneLine()
    {
        using var temp = new TempDirectory();
        string missing = Path.Combine(temp.Path, "nowhere");
        Directory.CreateDirectory(Path.Combine(temp.Path, "cifar-10-batches-bin"));
        var main = typeof(CifarPipeline).Assembly.EntryPoint!;
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            foreach (var (args, expected) in new[]
            {
                (new[] { "cifar", missing }, $"error: The data root '{missing}'"),
                (new[] { "cifar", temp.Path }, "error: CIFAR-10: missing"),
                (new[] { "cifar" }, "error: unexpected arguments 'cifar'; usage:"),
                // A name with a terminal escape is printed with the escape visible, not sent to the terminal.
                (new[] { "cifar", missing + "\u001b[2J" }, $"error: The data root '{missing}\\u001B[2J'"),
            })
            {
                error.GetStringBuilder().Clear();
                Assert.That(main.Invoke(null, new object[] { args }), Is.EqualTo(2), string.Join(" ", args));
                Assert.That(error.ToString(), Does.StartWith(expected));
                Assert.That(error.ToString().TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
                Assert.That(error.ToString().TrimEnd().Any(char.IsControl), Is.False);
            }
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    [Test]
    [NonParallelizable] // sets the working folder, where the sample saves its model
    public void TheRank2SampleRunsEndToEndAndPrintsInvariantNumbersUnderAnyCulture()
    {
        using var temp = new TempDirectory();
        var main = typeof(CifarPipeline).Assembly.EntryPoint!;
        var output = new StringWriter();
        var (savedOut, savedFolder, savedCulture) = (Console.Out, Environment.CurrentDirectory, System.Globalization.CultureInfo.CurrentCulture);
        Console.SetOut(output);
        Environment.CurrentDirectory = temp.Path;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            Assert.That(main.Invoke(null, new object[] { Array.Empty<string>() }), Is.EqualTo(0), output.ToString());
        }
        finally
        {
            Console.SetOut(savedOut);
            Environment.CurrentDirectory = savedFolder;
            System.Globalization.CultureInfo.CurrentCulture = savedCulture;
        }
        string text = output.ToString();
        TestContext.Progress.WriteLine(text);
        Assert.That(text, Does.Match(@"Test MSE \d\.\d{4}, R² -?\d\.\d{3}, AGOP alignment \d\.\d{3}, catapults \d+"));
        Assert.That(text, Does.Match(@"FastTree on 2 AGOP features: R² -?\d\.\d{3}"));
        Assert.That(text, Does.Match(@"f\*\(x\) = -?\d\.\d{3}, loaded pipeline: -?\d\.\d{3}"));
        Assert.That(text, Does.Not.Match(@"\d,\d"), "no decimal comma anywhere, the DataFrame's tail included");
        Assert.That(text, Does.Contain("Lambda1").And.Contain("CriticalLearningRate").And.Not.Contain("EigenResidual"), "the five columns of the tail");
        Assert.That(File.Exists(Path.Combine(temp.Path, "runs", "pipelines-sample", "rank2-agop-fasttree.zip")));
    }
}
