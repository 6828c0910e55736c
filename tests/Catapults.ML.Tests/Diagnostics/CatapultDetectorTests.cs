using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

public class CatapultDetectorTests
{
    private const int Length = 600;

    /// <summary>A smoothly decaying loss with multiplicative Gaussian bumps (in log space) of height <paramref name="factor"/> at <paramref name="centres"/>.</summary>
    private static double[] Planted(int[] centres, double factor = 20, double width = 3, double noise = 0, int seed = 0)
    {
        var rng = new Random(seed);
        var curve = new double[Length];
        for (int t = 0; t < Length; t++)
        {
            double log = Math.Log(2.0) - t / 150.0;
            foreach (int c in centres) log += Math.Log(factor) * Math.Exp(-0.5 * Math.Pow((t - c) / width, 2));
            if (noise > 0) log += noise * Gaussian(rng);
            curve[t] = Math.Exp(log);
        }
        return curve;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Test]
    public void MonotoneCurvesGiveNoEvents()
    {
        var exponential = Enumerable.Range(0, Length).Select(t => Math.Exp(-t / 50.0)).ToArray();
        var power = Enumerable.Range(0, Length).Select(t => 1.0 / (1 + t)).ToArray();
        var constant = Enumerable.Repeat(0.3, Length).ToArray();
        var rising = Enumerable.Range(0, Length).Select(t => Math.Exp(t / 20.0)).ToArray(); // divergence, never back
        var cliff = Enumerable.Range(0, Length).Select(t => t < 300 ? 1.0 : 1e-3).ToArray();
        foreach (var (name, curve) in new[] { ("exponential", exponential), ("power", power), ("constant", constant), ("rising", rising), ("cliff", cliff) })
            Assert.That(CatapultDetector.Detect(curve), Is.Empty, name);
    }

    // The running median hides a single outlier at the point where the smoothed loss is back at the start level (50 at
    // step 6) or still there (40 at step 2): the peak is the episode's own, strictly between its start and its end.
    [TestCase(new[] { 1.0, 1, 1, 10, 10, 1, 50, 1, 1 }, 2, 3, 6, 10.0)]
    [TestCase(new[] { 1.0, 1, 40, 1, 10, 10, 1, 1, 1 }, 2, 4, 6, 10.0)]
    public void APeakLiesStrictlyBetweenTheStartAndTheEnd(double[] losses, int startStep, int peakStep, int endStep, double peakLoss)
    {
        var events = CatapultDetector.Detect(losses, new CatapultDetectorOptions { RequireSharpnessDecrease = false });
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That((events[0].StartStep, events[0].PeakStep, events[0].EndStep, events[0].PeakLoss), Is.EqualTo((startStep, peakStep, endStep, peakLoss)));
    }

    [Test]
    public void ANegativeLossIsRefusedNamingItsStep()
    {
        var ex = Assert.Throws<ArgumentException>(() => CatapultDetector.Detect(new[] { 1.0, 0.9, -0.5, 0.8 }));
        Assert.That(ex!.Message, Does.Contain("step 2").And.Contain("negative"));
        var detector = new CatapultDetector();
        ex = Assert.Throws<ArgumentException>(() => detector.Add(7, -1e-9));
        Assert.That(ex!.Message, Does.Contain("step 7"));
        Assert.That(detector.Points, Is.Empty);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(4)]
    public void PlantedSpikesAreFoundOnceEach(int count)
    {
        var centres = Enumerable.Range(0, count).Select(i => 60 + 130 * i).ToArray();
        var events = CatapultDetector.Detect(Planted(centres));
        Assert.That(events, Has.Count.EqualTo(count));
        for (int i = 0; i < count; i++)
        {
            Assert.That(events[i].PeakStep, Is.EqualTo(centres[i]).Within(1), $"peak {i}");
            Assert.That(events[i].StartStep, Is.LessThan(centres[i]));
            Assert.That(events[i].EndStep, Is.GreaterThan(centres[i]));
            // The start is the last low point: the peak is nearly the planted factor above it.
            Assert.That(events[i].PeakRatio, Is.InRange(10.0, 25.0), $"ratio {i}");
            Assert.That(events[i].EndLoss, Is.LessThanOrEqualTo(events[i].StartLoss));
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void NoiseAloneGivesNoEvents(int seed)
    {
        // 15% multiplicative noise on a decaying curve and on a plateau: the default thresholds ignore it.
        Assert.That(CatapultDetector.Detect(Planted(Array.Empty<int>(), noise: 0.15, seed: seed)), Is.Empty, "decaying");
        var rng = new Random(seed);
        var plateau = Enumerable.Range(0, Length).Select(_ => 0.5 * Math.Exp(0.15 * Gaussian(rng))).ToArray();
        Assert.That(CatapultDetector.Detect(plateau), Is.Empty, "plateau");
    }

    [Test]
    public void PlantedSpikesAreFoundThroughNoise()
    {
        var events = CatapultDetector.Detect(Planted(new[] { 100, 300, 480 }, noise: 0.15, seed: 4));
        Assert.That(events.Select(e => e.PeakStep), Is.EqualTo(new[] { 100, 300, 480 }).Within(3));
    }

    [Test]
    public void SingleStepOutliersAreNotCatapults()
    {
        var curve = Planted(Array.Empty<int>());
        curve[200] *= 50;
        curve[400] *= 50;
        Assert.That(CatapultDetector.Detect(curve), Is.Empty);
        // Without smoothing they are.
        Assert.That(CatapultDetector.Detect(curve, new CatapultDetectorOptions { SmoothingWindow = 1 }), Has.Count.EqualTo(2));
    }

    [Test]
    public void SharpnessBeforeAndAfterAreReportedAndRequired()
    {
        var curve = Planted(new[] { 100, 300 });
        var detector = new CatapultDetector();
        for (int t = 0; t < Length; t++)
        {
            // λ_max drops across the first spike and rises across the second.
            double lambda = t < 100 ? 10 : t < 300 ? 4 : 6;
            detector.Add(t, curve[t], t % 5 == 0 ? lambda : null);
        }
        Assert.That(detector.Spikes, Has.Count.EqualTo(2));
        var events = detector.Events;
        Assert.That(events, Has.Count.EqualTo(1), "the second spike did not lower λ_max");
        Assert.That(events[0].SharpnessBefore, Is.EqualTo(10));
        Assert.That(events[0].SharpnessAfter, Is.EqualTo(4));
        Assert.That(events[0].SharpnessDecreased, Is.True);
        var lenient = CatapultDetector.Detect(detector.Points, new CatapultDetectorOptions { RequireSharpnessDecrease = false });
        Assert.That(lenient, Has.Count.EqualTo(2));
    }

    [Test]
    public void ARiseThatHasNotComeBackIsOpenNotAnEvent()
    {
        var curve = Planted(new[] { 100 }).Take(102).ToArray();
        var detector = new CatapultDetector();
        for (int t = 0; t < curve.Length; t++) detector.Add(t, curve[t]);
        Assert.That(detector.Events, Is.Empty);
        Assert.That(detector.OpenEpisodeStart, Is.Not.Null.And.LessThan(100));
    }

    // Found by review: the rule was compared on differences of logs, which round differently at different scales, so a
    // rise of exactly RiseFactor was an event at one scale and not at another.
    [TestCase(1.0)]
    [TestCase(5.0)]
    [TestCase(0.3)]
    public void TheThresholdsReadTheSameAtEveryScale(double scale)
    {
        // A rise of exactly 2 (the default RiseFactor) is not above it.
        Assert.That(CatapultDetector.Detect(new[] { 1, 1, 2, 2, 2, 1, 1.0 }.Select(l => l * scale).ToArray()), Is.Empty);
        // A return to exactly 1.5 times the start (the mini-batch preset's ReturnFactor) is a return.
        var losses = Enumerable.Repeat(2.0, 6).Concat(Enumerable.Repeat(20.0, 6)).Concat(Enumerable.Repeat(3.0, 8)).Select(l => l * scale).ToArray();
        var events = CatapultDetector.Detect(losses, CatapultDetectorOptions.ForMiniBatchLoss());
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].EndStep, Is.EqualTo(12));
    }

    [Test]
    public void TinyLossesDoNotUnderflowIntoACatapult()
    {
        // The geometric mean of two losses near 1e-200 underflowed to 0 and made a rise of ∞ (diff review).
        Assert.That(CatapultDetector.Detect(Enumerable.Repeat(1e-200, 10).ToArray()), Is.Empty);
        Assert.That(CatapultDetector.Detect(Enumerable.Repeat(1e200, 10).ToArray()), Is.Empty);
    }

    [Test]
    public void ARiseInATwoPointStreamIsOpen()
    {
        var detector = new CatapultDetector(new CatapultDetectorOptions { SmoothingWindow = 1 });
        detector.Add(0, 1);
        detector.Add(1, 5);
        Assert.That(detector.OpenEpisodeStart, Is.EqualTo(0));
    }

    [Test]
    public void TheStartLevelIsThePreSpikeLevelNotAnOutlierAtTheStartPoint()
    {
        // A single high point (6) at the start of a 1 → 10 rise used to stand as the start loss (peak ratio 1.7).
        var events = CatapultDetector.Detect(new[] { 1, 1, 1, 6, 1, 10, 10, 10, 1, 1.0 });
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].StartLoss, Is.EqualTo(1));
        Assert.That(events[0].PeakRatio, Is.EqualTo(10));
    }

    [Test]
    public void DivergenceEndsDetection()
    {
        var curve = Planted(new[] { 100 }).Take(300).Concat(new[] { double.NaN, 1.0, 100.0, 1.0 }).ToArray();
        Assert.That(CatapultDetector.Detect(curve), Has.Count.EqualTo(1));
    }

    [Test]
    public void BadOptionsAndStreamsAreRejected()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new CatapultDetector(new CatapultDetectorOptions { SmoothingWindow = 4 }))!.ParamName,
            Is.EqualTo("SmoothingWindow"));
        Assert.That(Assert.Throws<ArgumentException>(() => new CatapultDetectorOptions { RiseFactor = 1 }.Validate())!.ParamName,
            Is.EqualTo("RiseFactor"));
        var detector = new CatapultDetector();
        detector.Add(3, 1.0);
        var ex = Assert.Throws<ArgumentException>(() => detector.Add(3, 1.0));
        Assert.That(ex!.Message, Does.Contain("increase"));
    }

    [Test]
    public void ASmoothingWindowWiderThanTheStreamMediansTheWholeStream()
    {
        // int.MaxValue sized the median buffer by the option and threw OutOfMemoryException.
        var losses = new double[] { 1, 1, 10, 10, 1, 1, 0.5, 0.5, 20, 20, 0.4, 0.3 };
        var wide = new CatapultDetectorOptions { SmoothingWindow = 2 * losses.Length + 1, RequireSharpnessDecrease = false };
        var huge = new CatapultDetectorOptions { SmoothingWindow = int.MaxValue, RequireSharpnessDecrease = false };
        Assert.That(CatapultDetector.Detect(losses, huge), Is.EqualTo(CatapultDetector.Detect(losses, wide)));
    }

    [Test]
    public void ANullLossCurveIsNamed()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => CatapultDetector.Detect((IReadOnlyList<double>)null!));
        Assert.That(ex!.ParamName, Is.EqualTo("losses"));
    }

    /// <summary>
    /// A mini-batch loss curve like online SGD's on the rank-2 task: the population loss (decaying, with log-space bumps
    /// of height <paramref name="factor"/> at <paramref name="catapults"/>) times the batch mean of 32 heavy-tailed terms
    /// (x₁x₂)², x ~ N(0, I), each of mean 1, so single batches reach several times the trend.
    /// </summary>
    private static double[] MiniBatchCurve(int length, int[] catapults, int seed, double factor = 20, double width = 5)
    {
        var rng = new Random(seed);
        var curve = new double[length];
        for (int t = 0; t < length; t++)
        {
            double log = Math.Log(1.0) - t / 400.0;
            foreach (int c in catapults) log += Math.Log(factor) * Math.Exp(-0.5 * Math.Pow((t - c) / width, 2));
            double batch = 0;
            for (int i = 0; i < 32; i++)
            {
                double product = Gaussian(rng) * Gaussian(rng);
                batch += product * product;
            }
            curve[t] = Math.Exp(log) * batch / 32;
        }
        return curve;
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    public void MiniBatchPresetIgnoresHeavyTailedBatchNoiseThatFoolsTheDefaults(int seed)
    {
        var curve = MiniBatchCurve(1000, Array.Empty<int>(), seed);
        // The noise is real: batch losses spread over more than a factor of 4 around the trend.
        double spread = Enumerable.Range(0, 1000).Select(t => curve[t] * Math.Exp(t / 400.0)).Max()
                        / Enumerable.Range(0, 1000).Select(t => curve[t] * Math.Exp(t / 400.0)).Min();
        Assert.That(spread, Is.GreaterThan(4));
        Assert.That(CatapultDetector.Detect(curve, CatapultDetectorOptions.ForMiniBatchLoss()), Is.Empty, "mini-batch preset");
        Assert.That(CatapultDetector.Detect(curve), Is.Not.Empty, "the defaults (made for a full loss) take batch noise for catapults");
    }

    [TestCase(1, new[] { 300 })]
    [TestCase(2, new[] { 200, 650 })]
    [TestCase(3, new[] { 120, 450, 800 })]
    public void MiniBatchPresetFindsEachPlantedCatapultOnceThroughBatchNoise(int seed, int[] catapults)
    {
        var options = CatapultDetectorOptions.ForMiniBatchLoss();
        Assert.That(options.RequireSharpnessDecrease, Is.False, "a loss curve alone carries no λ");
        var events = CatapultDetector.Detect(MiniBatchCurve(1000, catapults, seed), options);
        Assert.That(events, Has.Count.EqualTo(catapults.Length));
        for (int i = 0; i < catapults.Length; i++)
        {
            Assert.That(events[i].PeakStep, Is.EqualTo(catapults[i]).Within(8), $"peak {i}");
            Assert.That(events[i].StartStep, Is.LessThan(catapults[i]), $"start {i}");
            Assert.That(events[i].EndStep, Is.GreaterThan(catapults[i]), $"end {i}");
            Assert.That(events[i].PeakRatio, Is.GreaterThan(4), $"ratio {i}");
            Assert.That(events[i].SharpnessDecreased, Is.Null, "no λ known");
        }
        // A bump of 1.5×, within the reach of the noise, is not counted (2× bumps sometimes are, over a low baseline).
        Assert.That(CatapultDetector.Detect(MiniBatchCurve(1000, catapults, seed, factor: 1.5), options), Is.Empty, "1.5× bumps");
    }

    [Test]
    public void MiniBatchPresetIsValidAndFresh()
    {
        var a = CatapultDetectorOptions.ForMiniBatchLoss();
        a.Validate();
        a.RiseFactor = 10;
        Assert.That(CatapultDetectorOptions.ForMiniBatchLoss().RiseFactor, Is.EqualTo(4), "each call returns a new instance");
        Assert.That(a.SmoothingWindow, Is.GreaterThan(new CatapultDetectorOptions().SmoothingWindow));
    }

    // Found by mutation testing (5 Dec 2026): a λ_max that steps down at the spike's start left the reading "after" the
    // same at the peak and at the end, and an exact tie of the smoothed loss left "the last low point" untested.
    [Test]
    public void TheStartIsTheLastLowPointAndLambdaMaxAfterIsReadAtTheEnd()
    {
        var points = Enumerable.Range(0, 60).Select(t =>
            new LossPoint(t, t switch { 30 => 5, 31 => 10, 32 => 5, _ => 1 }, t < 31 ? 10 : t < 33 ? 6 : 4)).ToList();
        var events = CatapultDetector.Detect(points, new CatapultDetectorOptions { SmoothingWindow = 1, RequireSharpnessDecrease = false });
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].StartStep, Is.EqualTo(29), "the last of the equal low points before the rise");
        Assert.That(events[0].EndStep, Is.EqualTo(33));
        Assert.That(events[0].SharpnessBefore, Is.EqualTo(10));
        Assert.That(events[0].SharpnessAfter, Is.EqualTo(4), "the first λ_max at or after the end, not at the peak (6)");
    }
}
