using Catapults.ML.Diagnostics;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// Clear catapults: a λ_max drop counts only when it exceeds the 95th percentile of the run's spike-free windows of the
/// same length (SharpnessDrift), checked against order statistics worked out by hand.
/// </summary>
public sealed class SharpnessDriftTests
{
    private static CatapultEvent Episode(int start, int end, double? before = null, double? after = null) =>
        new(start, (start + end) / 2, end, 1, 3, 1, before, after);

    [Test]
    public void TheThresholdIsTheOrderStatisticAtTheQuantile()
    {
        // λ_i = 100 − i at steps 10·i: the windows of one record drop by 1/(100 − i), i = 0 … 23, 24 windows. The
        // 95 % order statistic is the ⌈0.95 · 24⌉ = 23rd smallest: 1/78.
        var series = Enumerable.Range(0, 25).Select(i => (10 * i, 100.0 - i)).ToList();
        Assert.That(SharpnessDrift.Threshold(series, Array.Empty<CatapultEvent>(), 1), Is.EqualTo(1.0 / 78).Within(1e-15));
        // A spike over steps 0 … 30 takes the windows from steps 0, 10 and 20 out: 21 remain, drops 1/97 … 1/77, and the
        // ⌈0.95 · 21⌉ = 20th smallest is 1/78 again; over 0 … 50, 19 remain, too few to judge.
        Assert.That(SharpnessDrift.Threshold(series, new[] { Episode(0, 30) }, 1), Is.EqualTo(1.0 / 78).Within(1e-15));
        Assert.That(SharpnessDrift.Threshold(series, new[] { Episode(0, 50) }, 1), Is.Null);
    }

    [Test]
    public void ADropWithinTheDriftIsACatapultButNotAClearOne()
    {
        // 200 records, λ drifting down 0.01 % a record with a wobble of ±0.02 %; a 5 % fall across the first catapult.
        var series = Enumerable.Range(0, 200).Select(i =>
        {
            double lambda = 100 * (1 - 1e-4 * i) * (1 + 2e-4 * Math.Sin(1.7 * i));
            return (Step: 10 * i, Sharpness: i >= 54 ? 0.95 * lambda : lambda);
        }).ToList();
        var first = Episode(500, 540);
        var second = Episode(1180, 1220);
        var (clear, median) = SharpnessDrift.Of(series, new[] { first, second }, new[] { first, second });
        Assert.That(clear, Is.EqualTo(1), "only the 5 % fall stands out");
        double Drop(int from, int to) => (series[from].Sharpness - series[to].Sharpness) / series[from].Sharpness;
        Assert.That(median, Is.EqualTo(100 * 0.5 * (Drop(50, 54) + Drop(118, 122))).Within(1e-9));
        Assert.That(Drop(50, 54), Is.GreaterThan(0.04));
        Assert.That(Drop(118, 122), Is.GreaterThan(0).And.LessThan(0.002), "the second catapult lowers λ_max, by the drift only");

        // A run too short to measure its drift judges nothing clear.
        var (shortClear, _) = SharpnessDrift.Of(series.Take(30).ToList(), new[] { Episode(50, 90) }, new[] { Episode(50, 90) });
        Assert.That(shortClear, Is.Zero);
    }
}
