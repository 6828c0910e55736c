using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using static TorchSharp.torch;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// The data of one run: a synthetic task (rank-2 or rank-4 regression, with its closed-form AGOP as the reference) or
/// an image dataset read by the engine's loaders (one-hot targets, MSE; no reference AGOP).
/// </summary>
public sealed class StudyData : IDisposable
{
    private StudyData(string name, TensorDataset train, TensorDataset test, long[] inputShape, int outputCount, Tensor? referenceAgop)
    {
        Name = name;
        Train = train;
        Test = test;
        InputShape = inputShape;
        OutputCount = outputCount;
        ReferenceAgop = referenceAgop;
    }

    /// <summary>The dataset name (rank2, rank4, cifar10, svhn, celeba).</summary>
    public string Name { get; }

    /// <summary>The training set.</summary>
    public TensorDataset Train { get; }

    /// <summary>The test set.</summary>
    public TensorDataset Test { get; }

    /// <summary>The shape of one input.</summary>
    public long[] InputShape { get; }

    /// <summary>Outputs of the network (1 for the synthetic tasks, the class count for images).</summary>
    public int OutputCount { get; }

    /// <summary>The true AGOP, float64 [d, d]: present exactly for the synthetic tasks (<see cref="DataSettings.IsSynthetic"/>).</summary>
    public Tensor? ReferenceAgop { get; }

    /// <summary>Whether the data is a synthetic task, the tasks whose true AGOP is known (then data.safetensors is written).</summary>
    public bool IsSynthetic => ReferenceAgop is not null;

    /// <summary>Whether the task is classification (error is reported).</summary>
    public bool IsClassification => !IsSynthetic;

    /// <summary>Builds the data named by <paramref name="settings"/>; a configuration problem throws <see cref="ConfigurationException"/>.</summary>
    public static StudyData Load(DataSettings settings)
    {
        switch (settings.Dataset)
        {
            case "rank2":
            case "rank4":
            {
                var task = settings.Dataset == "rank2" ? SyntheticTask.Rank2(settings.InputDimension) : SyntheticTask.Rank4(settings.InputDimension);
                var (train, test) = task.CreateSplits(settings.TrainCount, settings.TestCount, settings.DataSeed);
                var reference = settings.Dataset == "rank2" ? Catapults.ML.Features.ReferenceAgop.Rank2(settings.InputDimension) : Catapults.ML.Features.ReferenceAgop.Rank4(settings.InputDimension);
                return new StudyData(settings.Dataset, train, test, new long[] { settings.InputDimension }, 1, reference);
            }
            case "cifar10":
            case "svhn":
            case "celeba":
            {
                var kind = settings.Dataset switch { "cifar10" => ImageDatasetKind.Cifar10, "svhn" => ImageDatasetKind.Svhn, _ => ImageDatasetKind.CelebA };
                try
                {
                    DataRoot.Resolve(settings.DataRoot, "--data-root");
                    // The class count is known per dataset (CelebA: one binary attribute), so the per-class sample
                    // count can be fixed before the one pass over the files.
                    int classes = kind == ImageDatasetKind.CelebA ? 2 : 10;
                    var options = new ImageDatasetOptions
                    {
                        Labels = LabelMapping.OneHot, Seed = settings.DataSeed, Layout = FeatureLayout.Flat,
                        SamplesPerClass = Math.Max(1, settings.TrainCount / classes),
                    };
                    var trainImages = ImageDatasets.Load(kind, options, settings.DataRoot);
                    classes = trainImages.ClassNames.Count;
                    var testOptions = options.WithSplit(DatasetSplit.Test);
                    testOptions.SamplesPerClass = Math.Max(1, settings.TestCount / classes);
                    testOptions.Statistics = trainImages.Statistics;
                    var testImages = ImageDatasets.Load(kind, testOptions, settings.DataRoot);
                    return new StudyData(settings.Dataset, trainImages.Data, testImages.Data, trainImages.Shape.ToArray().Select(v => (long)v).ToArray(),
                        classes, null);
                }
                catch (Exception ex) when (ex is InvalidOperationException or DirectoryNotFoundException or IOException)
                {
                    throw ConfigurationException.From(ex);
                }
            }
            default:
                throw new ConfigurationException($"--dataset must be one of rank2, rank4, cifar10, svhn, celeba; got '{settings.Dataset}'.");
        }
    }

    /// <summary>The fraction of misclassified samples (argmax of outputs against argmax of one-hot targets), or null for regression.</summary>
    public double? Error(Catapults.ML.Models.NetworkModule model, TensorDataset data)
    {
        if (!IsClassification) return null;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var mode = new Catapults.ML.Models.EvaluationModeScope(model);
        long wrong = 0;
        for (int start = 0; start < data.Count; start += 1024)
        {
            int count = Math.Min(1024, data.Count - start);
            var x = data.Features.narrow(0, start, count);
            var y = data.Targets.narrow(0, start, count);
            var predicted = model.forward(x).argmax(1);
            var truth = data.HasClassTargets ? y : y.argmax(1);
            wrong += predicted.ne(truth).sum().ToInt64();
        }
        return (double)wrong / data.Count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
        ReferenceAgop?.Dispose();
    }
}
