// A network trained inside an ML.NET pipeline on the rank-2 task y = x₁x₂ (d = 20): evaluated by ML.NET's evaluator
// and by the alignment evaluator (how close the network's AGOP is to the target's), then its AGOP features
// (top-2 projection) fed to ML.NET's FastTree, and the whole pipeline saved, loaded and used for one prediction.
using Catapults.ML.Data;
using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Training;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using System.Globalization;

// The engine's reports print invariant numbers; the sample's own lines and DataFrame's printing follow them, so a
// de-DE user does not see "0,1779" beside "0.1013".
CultureInfo.CurrentCulture = CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;

// With arguments "cifar <folder>": the image pipeline instead (CifarPipeline.cs), on the CIFAR-10 files in that folder.
if (args is ["cifar", var folder])
{
    try
    {
        Catapults.Pipelines.Sample.CifarPipeline.Run(folder, new(), Console.Out);
        return 0;
    }
    catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException or InvalidOperationException)
    {
        // A missing folder, a missing or damaged file, a split with fewer images of a class than the pipeline takes:
        // the reader's message names it; no stack trace, and the folder's name printed with its escapes visible.
        Console.Error.WriteLine($"error: {Catapults.ML.Runtime.ErrorText.OneLine(Catapults.ML.Runtime.ErrorText.FirstLine(ex))}");
        return 2;
    }
}
if (args.Length > 0)
{
    Console.Error.WriteLine($"error: unexpected arguments '{string.Join(" ", args)}'; usage: no arguments (the rank-2 pipeline) or 'cifar <folder holding cifar-10-batches-bin/>'.");
    return 2;
}

var ml = new MLContext(seed: 0);
var train = ml.Data.LoadFromEnumerable(Rank2.Sample(1000, seed: 1));
var test = ml.Data.LoadFromEnumerable(Rank2.Sample(500, seed: 2));

// 1. The trainer: a two-layer network (NTK parameterisation) trained with SGD, diagnostics on.
var network = ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
{
    Network = new NetworkDescription { Architecture = "fcn-2", Width = 256 },
    Training = new TrainingOptions { LearningRate = 0.5, BatchSize = 32, MaxEpochs = 20, ShuffleSeed = 7 },
    Seed = 7,
    Diagnostics = new TrainingDiagnosticsOptions { Enabled = true, Every = 50, ProbeSize = 128 },
});
var model = ml.Transforms.Concatenate("Features", "X")
    .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    .Append(network)
    .Fit(train);

// 2. The alignment evaluator: ML.NET's metrics plus cos(G, G*) against the AGOP of f*(x) = x₁x₂, and the catapults seen.
var metrics = ml.Regression.EvaluateWithAlignment(model, test, ReferenceAgop.OfTarget(SyntheticTask.Rank2(20)));
Console.WriteLine($"Test MSE {metrics.Metrics.MeanSquaredError:F4}, R² {metrics.Metrics.RSquared:F3}, " +
                  $"AGOP alignment {metrics.AgopAlignment:F3}, catapults {metrics.CatapultCount}");
Console.WriteLine(model.LastTransformer.Report);
// The last three records, in the columns that tell a catapult: DataFrame prints every column 20 characters wide.
var diagnostics = model.LastTransformer.Report.Diagnostics!;
Console.WriteLine(new Microsoft.Data.Analysis.DataFrame(
    new[] { "Step", "BatchLoss", "FullTrainingLoss", "Lambda1", "CriticalLearningRate" }.Select(c => diagnostics.Columns[c])).Tail(3));

// 3. The AGOP feature transformer: the network's top-2 AGOP directions as features for a built-in learner.
var agopPipeline = ml.Transforms.Concatenate("Features", "X")
    .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    .Append(ml.Transforms.AgopFeatures(network, rank: 2))
    .Append(ml.Regression.Trainers.FastTree(featureColumnName: "AgopFeatures"));
var agopModel = agopPipeline.Fit(train);
var treeOnAgop = ml.Regression.Evaluate(agopModel.Transform(test));
Console.WriteLine($"FastTree on 2 AGOP features: R² {treeOnAgop.RSquared:F3}");

// 4. Persistence: one versioned zip (mlContext.Model.Save cannot hold these transformers), in runs/ under the current
// folder as the study writes its runs, so that two users of one machine do not overwrite each other's model.
string modelFolder = Directory.CreateDirectory(Path.Combine("runs", "pipelines-sample")).FullName;
string path = Path.Combine(modelFolder, "rank2-agop-fasttree.zip");
ml.Model.SaveCatapultsModel(agopModel, train.Schema, path);
var loaded = ml.Model.LoadCatapultsModel(path, out _);
var engine = ml.Model.CreatePredictionEngine<Rank2, Prediction>(loaded);
var x = Rank2.Sample(1, seed: 3)[0];
Console.WriteLine($"f*(x) = {x.Label:F3}, loaded pipeline: {engine.Predict(x).Score:F3}  ({path})");
return 0;

public sealed class Rank2
{
    [VectorType(20)] public float[] X { get; set; } = Array.Empty<float>();
    public float Label { get; set; }

    public static List<Rank2> Sample(int n, int seed)
    {
        var rng = new Random(seed);
        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return Enumerable.Range(0, n).Select(_ =>
        {
            var x = Enumerable.Range(0, 20).Select(_ => Normal()).ToArray();
            return new Rank2 { X = x, Label = x[0] * x[1] };
        }).ToList();
    }
}

public sealed class Prediction
{
    public float Score { get; set; }
}
