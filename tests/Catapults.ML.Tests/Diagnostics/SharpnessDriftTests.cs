using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// Clear catapults: a λ_max drop counts only when it passes a one-sided rank test at 5 % against the run's spike-free
/// windows of the same length (SharpnessDrift), checked against order statistics worked out by hand and, by simulation,
/// against the test's level.
/// </summary>
public sealed class SharpnessDriftTests
{
    private static CatapultEvent Episode(int start, int end) => new(start, (start + end) / 2, end, 1, 3, 1, null, null);

    private static List<LossPoint> Points(IEnumerable<(int Step, double Sharpness)> series) =>
        series.Select(p => new LossPoint(p.Step, 1, p.Sharpness)).ToList();

    [Test]
    public void TheThresholdIsTheOrderStatisticOfTheRankTest()
    {
        // λ_i = 100 − i at steps 10·i: the windows of one record drop by 1/(100 − i). Over 24 windows (i = 0 … 23) a drop
        // with p = (1 + m)/25 ≤ 0.05 may have m = 0 windows at or above it: the threshold is the largest, 1/77.
        var series = Points(Enumerable.Range(0, 25).Select(i => (10 * i, 100.0 - i)));
        Assert.That(SharpnessDrift.Threshold(series, Array.Empty<CatapultEvent>(), 1), Is.EqualTo(1.0 / 77).Within(1e-15));
        // A spike over steps 0 … 30 takes the windows from steps 0, 10 and 20 out: 21 remain, drops 1/97 … 1/77, and the
        // threshold is again their largest; over 0 … 50, 19 remain, too few to judge.
        Assert.That(SharpnessDrift.Threshold(series, new[] { Episode(0, 30) }, 1), Is.EqualTo(1.0 / 77).Within(1e-15));
        Assert.That(SharpnessDrift.Threshold(series, new[] { Episode(0, 50) }, 1), Is.Null);
        // Over 40 windows (drops 1/100 … 1/61) one may lie at or above a clear drop, p = 2/41 ≤ 0.05: the second largest.
        var longer = Points(Enumerable.Range(0, 41).Select(i => (10 * i, 100.0 - i)));
        Assert.That(SharpnessDrift.Threshold(longer, Array.Empty<CatapultEvent>(), 1), Is.EqualTo(1.0 / 62).Within(1e-15));
        // Points without a sharpness are not records.
        var gappy = series.Select((p, i) => i % 2 == 1 ? p with { Sharpness = null } : p).ToList();
        Assert.That(SharpnessDrift.Threshold(gappy, Array.Empty<CatapultEvent>(), 1), Is.Null, "12 windows");
    }

    [Test]
    public void DriftAloneIsJudgedClearAtMostAtTheTestsLevel()
    {
        // λ_max independent noise around 100, one spike over one record pair at a random place: its drop is one more draw
        // of the drift, so a test at 5 % calls it clear at most 5 % of the time. Here 29 windows remain, and it must beat
        // all of them: 1/30 ≈ 3.3 %. (The 95th-percentile rule used before, beating 28 of 29, gives 2/30 ≈ 6.7 %.)
        var random = new Random(7);
        const int Trials = 4000;
        int clear = 0;
        for (int t = 0; t < Trials; t++)
        {
            var series = Points(Enumerable.Range(0, 31).Select(i => (10 * i, 100 * (1 + 0.01 * (random.NextDouble() - 0.5)))));
            int k = random.Next(30);
            var spike = Episode(10 * k, 10 * k + 10);
            clear += SharpnessDrift.Clear(series, new[] { spike }, new[] { spike }).Count;
        }
        double rate = (double)clear / Trials;
        // 3 standard errors of a rate of 1/30 over 4000 trials is 0.0085.
        Assert.That(rate, Is.InRange(1.0 / 30 - 0.0085, 1.0 / 30 + 0.0085), $"judged clear in {clear} of {Trials}");
        Assert.That(rate, Is.LessThanOrEqualTo(SharpnessDrift.Level));
    }

    [Test]
    public void ADropWithinTheDriftIsACatapultButNotAClearOne()
    {
        // 200 records, λ drifting down 0.01 % a record with a wobble of ±0.02 %; a 5 % fall across the first catapult.
        var raw = Enumerable.Range(0, 200).Select(i =>
        {
            double lambda = 100 * (1 - 1e-4 * i) * (1 + 2e-4 * Math.Sin(1.7 * i));
            return (Step: 10 * i, Sharpness: i >= 54 ? 0.95 * lambda : lambda);
        }).ToList();
        var series = Points(raw);
        var first = Episode(500, 540);
        var second = Episode(1180, 1220);
        var clear = SharpnessDrift.Clear(series, new[] { first, second }, new[] { first, second });
        Assert.That(clear, Is.EqualTo(new[] { first }), "only the 5 % fall stands out");
        double Drop(int from, int to) => (raw[from].Sharpness - raw[to].Sharpness) / raw[from].Sharpness;
        Assert.That(SharpnessDrift.MedianDropPercent(series, new[] { first, second }), Is.EqualTo(100 * 0.5 * (Drop(50, 54) + Drop(118, 122))).Within(1e-9));
        Assert.That(Drop(50, 54), Is.GreaterThan(0.04));
        Assert.That(Drop(118, 122), Is.GreaterThan(0).And.LessThan(0.002), "the second catapult lowers λ_max, by the drift only");

        // A run too short to measure its drift judges nothing clear, not even the 5 % fall: over records 0 … 59 the 56
        // windows of span 4 less the 7 overlapping it leave 49, and it is clear; over records 40 … 59 only 9 remain.
        var shortRun = series.Take(60).ToList();
        Assert.That(SharpnessDrift.Clear(shortRun, new[] { first }, new[] { first }), Is.EqualTo(new[] { first }), "judged, it is clear");
        var tooShort = series.Skip(40).Take(20).ToList();
        Assert.That(SharpnessDrift.Clear(tooShort, new[] { first }, new[] { first }), Is.Empty, "not judged with 9 windows");
        Assert.That(SharpnessDrift.Unjudged(tooShort, new[] { first }, new[] { first }), Is.EqualTo(new[] { first }));
        Assert.That(SharpnessDrift.Unjudged(shortRun, new[] { first }, new[] { first }), Is.Empty);
        Assert.That(SharpnessDrift.MedianDropPercent(series, Array.Empty<CatapultEvent>()), Is.Null);
    }

    [Test]
    public void TheDetectorsClearEventsAreItsCatapultsBeyondTheDrift()
    {
        // A loss stream with two spikes, λ_max recorded at every point: the first spike lowers λ_max by 10 %, the second by
        // the drift alone.
        var detector = new CatapultDetector(new CatapultDetectorOptions { RequireSharpnessDecrease = true });
        for (int i = 0; i < 300; i++)
        {
            double loss = 1.0 / (1 + 0.01 * i) * (i is >= 100 and < 105 ? 5 : 1) * (i is >= 200 and < 205 ? 5 : 1);
            double lambda = 50 * (1 - 1e-4 * i) * (1 + 2e-4 * Math.Sin(1.3 * i)) * (i >= 105 ? 0.9 : 1);
            detector.Add(i, loss, lambda);
        }
        Assert.That(detector.Spikes, Has.Count.EqualTo(2));
        var clear = detector.ClearEvents;
        Assert.That(clear.Select(e => e.StartStep), Is.EqualTo(new[] { detector.Spikes[0].StartStep }));
        Assert.That(detector.Events, Is.SupersetOf(clear));
    }

    // Found by mutation testing (5 Dec 2026). Under progressive sharpening the drift's threshold is a rise; a spike across
    // which λ_max rose less than that is still no drop, so it is not a clear catapult.
    [Test]
    public void ARiseOfLambdaMaxBelowARisingDriftIsNoClearDrop()
    {
        var points = Enumerable.Range(0, 201).Select(t =>
        {
            double lambda = t <= 100 ? 1 + 0.01 * t : t <= 105 ? 2.0 + 0.002 * (t - 100) : 2.01 + 0.01 * (t - 105);
            return new LossPoint(t, 1, lambda);
        }).ToList();
        var spike = new CatapultEvent(100, 102, 105, 1, 3, 1, null, null);
        Assert.That(SharpnessDrift.Unjudged(points, new[] { spike }, new[] { spike }), Is.Empty, "enough spike-free windows to judge it");
        Assert.That(SharpnessDrift.Clear(points, new[] { spike }, new[] { spike }), Is.Empty, "λ_max rose by 0.5 % across the spike");
    }

    // Found by mutation testing (5 Dec 2026): a window that starts at a spike's end record holds no step of the spike.
    // Records 100 … 125 with a spike over 100 … 105 leave exactly the 20 windows 105→106 … 124→125, the fewest judged.
    [Test]
    public void AWindowStartingAtASpikesEndCountsAsSpikeFree()
    {
        var points = Enumerable.Range(100, 26).Select(t => new LossPoint(t, 1, 10.0 - 0.01 * (t - 100) * (t % 3))).ToList();
        var spike = new CatapultEvent(100, 102, 105, 1, 3, 1, null, null);
        Assert.That(SharpnessDrift.Threshold(points, new[] { spike }, 1), Is.Not.Null);
    }

    // Found by mutation testing (round 23B): the detector's drift windows leave out every spike, not only its catapults
    // (passing it the catapults as the spikes left the suite green). Spike A (steps 1 … 12) leaves λ_max where it was, so
    // it is no catapult; catapult B (24 … 26) halves it. Of the windows of B's two records, those overlapping A or B
    // are out: 36 points leave 19, too few to judge B, and a 37th point makes 20, enough to call it clear.
    [TestCase(36, false)]
    [TestCase(37, true)]
    public void TheDetectorsDriftWindowsLeaveOutSpikesThatAreNoCatapults(int length, bool judged)
    {
        var detector = new CatapultDetector(new CatapultDetectorOptions { SmoothingWindow = 1 });
        for (int t = 0; t < length; t++)
            detector.Add(t, t is >= 2 and <= 11 || t == 25 ? 5 : 1, t <= 24 ? 10 : 5);
        var (events, clear, unjudged) = detector.JudgeDrift();
        Assert.That(detector.Spikes.Select(e => (e.StartStep, e.EndStep)), Is.EqualTo(new[] { (1, 12), (24, 26) }));
        Assert.That(events.Select(e => e.StartStep), Is.EqualTo(new[] { 24 }), "A left λ_max unchanged");
        Assert.That(clear, Has.Count.EqualTo(judged ? 1 : 0));
        Assert.That(unjudged, Has.Count.EqualTo(judged ? 0 : 1));
    }
}
