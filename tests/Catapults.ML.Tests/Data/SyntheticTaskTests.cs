using Catapults.ML.Data;
using Catapults.ML.Tests.Support;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

public class SyntheticTaskTests
{
    [Test]
    public void Rank2AndRank4FollowTheirFormulas()
    {
        using var x = torch.tensor(new float[] { 2, 3, 5, 7, 11, -1, 0.5f, 4, 2, 9 }).reshape(2, 5);
        TensorAssert.AllClose(SyntheticTask.Rank2(5).Evaluate(x), torch.tensor(new float[] { 6, -0.5f }).reshape(2, 1), 0, 1e-6, "rank 2");
        // 2 + 6 + 30 + 210 = 248; -1 - 0.5 - 2 - 4 = -7.5
        TensorAssert.AllClose(SyntheticTask.Rank4(5).Evaluate(x), torch.tensor(new float[] { 248, -7.5f }).reshape(2, 1), 0, 1e-4, "rank 4");
    }

    [Test]
    public void TargetIsDifferentiable()
    {
        using var x = torch.randn(3, 4).requires_grad_();
        using var y = SyntheticTask.Rank2(4).Evaluate(x);
        var g = torch.autograd.grad(new[] { y.sum() }, new[] { x })[0];
        using var expected = torch.stack(new[] { x[.., 1], x[.., 0], torch.zeros(3), torch.zeros(3) }, 1);
        TensorAssert.AllClose(g, expected.detach(), 0, 1e-6, "∇ x₁x₂");
    }

    [Test]
    public void SplitsAreSeededAndDistinct()
    {
        var task = SyntheticTask.Rank2(8);
        var (a, at) = task.CreateSplits(50, 20, seed: 3);
        var (b, bt) = task.CreateSplits(50, 20, seed: 3);
        var (c, ct) = task.CreateSplits(50, 20, seed: 4);
        using (a) using (at) using (b) using (bt) using (c) using (ct)
        {
            Assert.That(a.Features.equal(b.Features).all().ToBoolean(), Is.True);
            Assert.That(a.Features.equal(c.Features).all().ToBoolean(), Is.False);
            Assert.That(at.Count, Is.EqualTo(20));
            Assert.That(a.Features.narrow(0, 0, 20).equal(at.Features).all().ToBoolean(), Is.False);
            TensorAssert.AllClose(a.Targets, task.Evaluate(a.Features), 0, 1e-6, "targets");
        }
    }

    [Test]
    public void DimensionTooSmallIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticTask.Rank4(3));
    }

    [Test]
    public void DatasetChecksItsTensors()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TensorDataset(torch.ones(3, 2), torch.ones(4, 1)));
        Assert.That(ex!.Message, Does.Contain("3 rows").And.Contain("4"));
        ex = Assert.Throws<ArgumentException>(() => new TensorDataset(torch.ones(3, 2), torch.ones(3)));
        Assert.That(ex!.Message, Does.Contain("int64"));
    }

    [Test]
    public void AnUndefinedKindIsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticTask((SyntheticTaskKind)77));
        Assert.That(ex!.Message, Does.StartWith("The SyntheticTask kind must be one of Rank2, Rank4, got 77."));
    }

    // Inputs of another dimension are refused, not evaluated on their first coordinates: a task of d = 4 handed
    // [3, 5] inputs (or [3, 3]) names both shapes.
    [TestCase(5)]
    [TestCase(3)]
    public void InputsOfAnotherDimensionAreRefused(int width)
    {
        using var x = torch.ones(3, width);
        var ex = Assert.Throws<ArgumentException>(() => SyntheticTask.Rank4(4).Evaluate(x));
        Assert.That(ex!.Message, Does.StartWith($"Rank4 expects inputs [n, 4], got [3, {width}]."));
    }
}
