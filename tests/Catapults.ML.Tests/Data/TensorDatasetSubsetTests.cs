using Catapults.ML.Data;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// Subset refuses an index one past the end in its own words; class targets have no regression outputs.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class TensorDatasetSubsetTests
{
    [Test]
    public void AnIndexEqualToTheCountIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        using var data = new TensorDataset(torch.randn(4, 2), torch.randn(4, 1), "four");
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset(new long[] { 0, 4 }));
        using var last = data.Subset(new long[] { 3 });
        Assert.That(last.Features.data<float>().ToArray(), Is.EqualTo(data.Features[3].data<float>().ToArray()));
    }

    [Test]
    public void ClassTargetsHaveATargetDimensionOfZero()
    {
        using var scope = torch.NewDisposeScope();
        using var data = new TensorDataset(torch.randn(3, 2), torch.tensor(new long[] { 0, 2, 1 }));
        Assert.That(data.HasClassTargets, Is.True);
        Assert.That(data.TargetDimension, Is.EqualTo(0));
    }

    // Found by mutation testing (round 24A): a subset without a name of its own says it is one of its dataset, so
    // that messages about it do not pass it off as the whole; a given name is used as is.
    [Test]
    public void AnUnnamedSubsetIsNamedAfterItsDataset()
    {
        using var scope = torch.NewDisposeScope();
        using var data = new TensorDataset(torch.randn(4, 2), torch.randn(4, 1), "four");
        using var unnamed = data.Subset(new long[] { 1, 2 });
        using var named = data.Subset(new long[] { 0 }, "first");
        Assert.That(unnamed.Name, Is.EqualTo("four[subset]"));
        Assert.That(named.Name, Is.EqualTo("first"));
    }
}
