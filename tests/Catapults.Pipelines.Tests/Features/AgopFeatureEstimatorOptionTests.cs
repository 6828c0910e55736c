using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Features;
using Catapults.Pipelines.Tests.Support;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Features;

/// <summary>
/// The AGOP feature estimator's documented options: full rank, the default input column, a hidden output column, the
/// row cap, the fitted width. Found by mutation testing (6 Dec 2026). The estimator copies its options when made
/// (round 14B).
/// </summary>
public class AgopFeatureEstimatorOptionTests
{
    private readonly MLContext _ml = new(seed: 1);

    // Options.Rank: "1 ≤ r ≤ d". The top-d projection keeps every eigenvector, an orthonormal basis, so it keeps each
    // row's length (mutant F1 refused r = d).
    [Test]
    public void ARankEqualToTheInputWidthIsAFullOrthonormalProjection()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = TestData.Dimension, HiddenWidths = new[] { 8 }, Seed = 5,
        });
        var rows = TestData.Rank2(16, seed: 45);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var full = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options
            { Model = model, Map = { Kind = AgopFeatureMapKind.TopEigenvectors, Rank = TestData.Dimension } }).Fit(data);
        Assert.That(full.OutputDimension, Is.EqualTo(TestData.Dimension));
        var output = TestData.Column(full.Transform(data), "AgopFeatures");
        for (int i = 0; i < rows.Count; i++)
        {
            double inNorm = Math.Sqrt(rows[i].Features.Sum(v => (double)v * v));
            double outNorm = Math.Sqrt(output[i].Sum(v => v * v));
            Assert.That(outNorm, Is.EqualTo(inNorm).Within(1e-4 * Math.Max(1, inNorm)), $"row {i}");
        }
    }

    // AgopFeatures(network): "inputColumnName: ... null for the network's feature column" (mutant F5 read "Features").
    [Test]
    public void WithoutAnInputColumnTheMapReadsTheNetworksOwnFeatureColumn()
    {
        var data = _ml.Transforms.CopyColumns("X", "Features").Fit(_ml.Data.LoadFromEnumerable(TestData.Rank2(32, seed: 46)))
            .Transform(_ml.Data.LoadFromEnumerable(TestData.Rank2(32, seed: 46)));
        var options = Catapults.Pipelines.Tests.Trainers.Tiny.Configure(new Catapults.Pipelines.Trainers.TorchNetworkRegressionTrainer.Options());
        options.FeatureColumnName = "X";
        using var network = _ml.Regression.Trainers.TorchNetwork(options).Fit(data);
        using var features = _ml.Transforms.AgopFeatures(network).Fit(data);
        Assert.That(features.InputColumnName, Is.EqualTo("X"));
    }

    private sealed class TextRow
    {
        [Microsoft.ML.Data.VectorType(TestData.Dimension)] public float[] Features { get; set; } = Array.Empty<float>();
        public string AgopFeatures { get; set; } = "";
    }

    // Options.OutputColumnName: "A name already in the input hides that column, as in ML.NET" (mutant F6 kept both,
    // and the shape then named the input's text column).
    [Test]
    public void TheOutputShapeHidesAnInputColumnOfTheSameName()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var view = _ml.Data.LoadFromEnumerable(new[] { new TextRow { Features = new float[TestData.Dimension], AgopFeatures = "old" } });
        var shape = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).GetOutputSchema(Catapults.Pipelines.Prediction.OutputShapes.FromSchema(view.Schema));
        var named = shape.Where(c => c.Name == "AgopFeatures").ToList();
        Assert.That(named, Has.Count.EqualTo(1));
        Assert.That(named[0].Kind, Is.EqualTo(SchemaShape.Column.VectorKind.Vector));
        Assert.That(named[0].ItemType, Is.EqualTo(Microsoft.ML.Data.NumberDataViewType.Single));
    }

    // Options.MaximumRows: "at least 1 (or null)"; Validate "throws ArgumentException naming the first invalid option",
    // and the constructor validates (mutant F7 let 0 through to Fit).
    [Test]
    public void ZeroMaximumRowsIsRefusedWhenTheEstimatorIsMade()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var ex = Assert.Throws<ArgumentException>(() => new AgopFeatureEstimator(new AgopFeatureEstimator.Options { Model = model, MaximumRows = 0 }));
        Assert.That(ex!.Message, Does.Contain("MaximumRows"));
    }

    private sealed class WideRow
    {
        [Microsoft.ML.Data.VectorType(TestData.Dimension + 1)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    // A fitted map takes columns of exactly its d slots: a wider one is refused by name, not truncated (mutant F9).
    [Test]
    public void AColumnWiderThanTheFittedMapIsRefused()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 47));
        using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
        var wide = _ml.Data.LoadFromEnumerable(new[] { new WideRow { Features = new float[TestData.Dimension + 1] } });
        var ex = Assert.Throws<ArgumentException>(() => map.GetOutputSchema(wide.Schema));
        Assert.That(ex!.Message, Does.Contain($"{TestData.Dimension + 1} slots"));
    }

    // The estimator keeps its own copy of the options, the embedded engine options included: a change made to them
    // after it was made does not reach Fit (mutation round 14B; a shallow copy would share Map and Agop).
    [Test]
    public void OptionsChangedAfterTheEstimatorWasMadeDoNotReachFit()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 48));
        var options = new AgopFeatureEstimator.Options { Model = model };
        var estimator = new AgopFeatureEstimator(options);
        options.Map.Kind = AgopFeatureMapKind.TopEigenvectors;
        options.Map.Rank = 1;
        options.Agop.PerOutput = true;
        options.OutputColumnName = "Other";
        using var map = estimator.Fit(data);
        Assert.That((map.Kind, map.OutputDimension, map.OutputColumnName), Is.EqualTo((AgopFeatureMapKind.MatrixPower, TestData.Dimension, "AgopFeatures")));
    }

    // Options.Agop.BatchSize: Validate "throws ArgumentException naming the first invalid option", and the constructor
    // validates; a batch of no rows is refused by name when the estimator is made (mutant 19B-M28 let 0 through).
    [Test]
    public void ZeroAgopBatchSizeIsRefusedWhenTheEstimatorIsMade()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var ex = Assert.Throws<ArgumentException>(() => new AgopFeatureEstimator(new AgopFeatureEstimator.Options { Model = model, Agop = { BatchSize = 0 } }));
        Assert.That(ex!.ParamName, Is.EqualTo("BatchSize"));
        Assert.That(ex.Message, Does.StartWith("AgopOptions.BatchSize must be at least 1, got 0."));
    }

    // The embedded AGOP options must give the G the map is fitted to: a power of its own or per-output matrices are
    // refused when the estimator is made, with the engine's message, not at Fit.
    [Test]
    public void AgopOptionsThatCannotGiveTheMapsGAreRefusedWhenTheEstimatorIsMade()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var power = Assert.Throws<ArgumentException>(() => new AgopFeatureEstimator(new AgopFeatureEstimator.Options { Model = model, Agop = { Power = 0.5 } }));
        Assert.That(power!.Message, Does.StartWith("AgopOptions.Power must be 1 when fitting a feature map"));
        var perOutput = Assert.Throws<ArgumentException>(() => new AgopFeatureEstimator(new AgopFeatureEstimator.Options { Model = model, Agop = { PerOutput = true } }));
        Assert.That(perOutput!.Message, Does.StartWith("AgopOptions.PerOutput must be off when fitting a feature map"));
    }

    // Null embedded options are named, not left to a NullReferenceException in Validate or Fit.
    [Test]
    public void NullEmbeddedOptionsAreNamed()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var map = Assert.Throws<ArgumentException>(() => new AgopFeatureEstimator(new AgopFeatureEstimator.Options { Model = model, Map = null! }));
        Assert.That((map!.ParamName, map.Message), Is.EqualTo(("Map", "Map must be given (the engine's AgopFeatureMapOptions). (Parameter 'Map')")));
        var agop = Assert.Throws<ArgumentException>(() => new AgopFeatureEstimator(new AgopFeatureEstimator.Options { Model = model, Agop = null! }));
        Assert.That(agop!.ParamName, Is.EqualTo("Agop"));
    }

    // The defaults are the engine's, except the trace normalisation the features for another learner need.
    [Test]
    public void TheEmbeddedDefaultsAreTheEnginesButForTheTraceNormalisation()
    {
        var options = new AgopFeatureEstimator.Options();
        var engine = new AgopFeatureMapOptions();
        Assert.That((options.Map.Kind, options.Map.Power, options.Map.Rank, options.Map.BatchSize, options.Map.NormalizeTrace),
            Is.EqualTo((engine.Kind, engine.Power, engine.Rank, engine.BatchSize, true)));
        Assert.That(engine.NormalizeTrace, Is.False);
        Assert.That((options.Agop.BatchSize, options.Agop.Power, options.Agop.PerOutput, options.Agop.Center), Is.EqualTo((AgopOptions.DefaultBatchSize, 1.0, false, false)));
    }

    // Options.InputColumnName and OutputColumnName "must be given": an empty or blank name is refused by name when the
    // estimator is made, not left for a schema lookup to fail on (mutation round 32C let blanks through).
    [TestCase(" ", "AgopFeatures", "InputColumnName")]
    [TestCase("Features", "", "OutputColumnName")]
    [TestCase("Features", " ", "OutputColumnName")]
    public void ABlankColumnNameIsRefusedWhenTheEstimatorIsMade(string input, string output, string option)
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var ex = Assert.Throws<ArgumentException>(() => new AgopFeatureEstimator(new AgopFeatureEstimator.Options
            { Model = model, InputColumnName = input, OutputColumnName = output }));
        Assert.That(ex!.ParamName, Is.EqualTo(option));
        Assert.That(ex.Message, Does.StartWith($"{option} must be given."));
    }

    private sealed class NarrowRow
    {
        [Microsoft.ML.Data.VectorType(TestData.Dimension - 1)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    // As a wider column, a narrower one is refused by name: the map takes exactly its d slots (mutation round 32C
    // refused only wider columns).
    [Test]
    public void AColumnNarrowerThanTheFittedMapIsRefused()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 47));
        using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
        var narrow = _ml.Data.LoadFromEnumerable(new[] { new NarrowRow { Features = new float[TestData.Dimension - 1] } });
        var ex = Assert.Throws<ArgumentException>(() => map.GetOutputSchema(narrow.Schema));
        Assert.That(ex!.Message, Does.Contain($"has {TestData.Dimension - 1} slots").And.Contain($"fitted on {TestData.Dimension} features"));
    }

    private sealed class TextFirstRow
    {
        public string AgopFeatures { get; set; } = "";
        [Microsoft.ML.Data.VectorType(TestData.Dimension)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    // The hidden column may be the input's first: it is hidden all the same (mutation round 32C removed only a
    // column found after the first).
    [Test]
    public void TheOutputShapeHidesAnInputColumnOfTheSameNameInFirstPlace()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var view = _ml.Data.LoadFromEnumerable(new[] { new TextFirstRow { Features = new float[TestData.Dimension], AgopFeatures = "old" } });
        Assert.That(view.Schema["AgopFeatures"].Index, Is.EqualTo(0));
        var shape = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).GetOutputSchema(Catapults.Pipelines.Prediction.OutputShapes.FromSchema(view.Schema));
        var named = shape.Where(c => c.Name == "AgopFeatures").ToList();
        Assert.That(named, Has.Count.EqualTo(1));
        Assert.That(named[0].ItemType, Is.EqualTo(Microsoft.ML.Data.NumberDataViewType.Single));
    }
}
