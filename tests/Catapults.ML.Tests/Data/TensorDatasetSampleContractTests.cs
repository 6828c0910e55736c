using Catapults.ML.Data;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// Regression targets are float32 like the features (the losses and the trainer assume it), and a synthetic sample
/// holds at least one row.
/// </summary>
public sealed class TensorDatasetSampleContractTests
{
    [Test]
    public void Float64RegressionTargetsAreRefused()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => new TensorDataset(torch.ones(3, 2), torch.ones(3, 1, dtype: torch.float64)));
        Assert.That(ex!.Message, Does.Contain("Float64"));
    }

    [Test]
    public void AnEmptySyntheticSampleIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(7);
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticTask.Rank2(4).Sample(0, generator));
        using var one = SyntheticTask.Rank2(4).Sample(1, generator);
        Assert.That(one.Count, Is.EqualTo(1));
    }
}
