using System.Globalization;
using Catapults.ML.Training;
using Catapults.ML.Models;
using Catapults.ML.Diagnostics;
using Catapults.Study.Infrastructure;
using Catapults.Study.SgdSpikes;
using Catapults.ML.Probes;

namespace Catapults.Study.Tests.SgdSpikes;

/// <summary>The sgd-spikes counts, on hand-made records whose answers are known.</summary>
public sealed class SpikeRunTests
{
    private const double Eta = 1.0;

    // Steps 0..19, recorded every 5. η_crit(batch) is below η only at step 7 (window 5..9) and at steps 16 and 17
    // (window 15..19); spike A starts at 5 and peaks at 10, spike B starts at 10 and peaks at 15.
    private static SpikeRun Run(IReadOnlyList<DiagnosticsRecord> records) =>
        PlantedSpikeRun.Create(PlantedSpikeRun.TwoSpikes, t => t is 7 or 16 or 17 ? 0.5 : 2.0, records);

    // Spike A rises in PL_1 (0.1 → 2 while PL_1⊥ 1 → 1.2); spike B in PL_1⊥ (PL_1 2 → 2.5 while PL_1⊥ 1.2 → 5).
    private static readonly DiagnosticsRecord[] Probe = { Record(5, pl: 0.1, perp: 1), Record(10, pl: 2, perp: 1.2), Record(15, pl: 2.5, perp: 5) };

    private static DiagnosticsRecord Record(int step, double pl, double perp) => PlantedSpikeRun.Record(step, pl, perp);

    [Test]
    public void SpikesAreMatchedToTheirRiseWindows()
    {
        var run = Run(Probe);
        Assert.That(run.SpikeStartsAboveCritical(), Is.EqualTo(new[] { true, false }), "A's window 5..9 holds step 7; B's 10..14 holds none");
        Assert.That(run.FractionAboveCritical, Is.EqualTo(3 / 20.0));
        Assert.That(run.WindowFractionAboveCritical, Is.EqualTo(2 / 4.0), "2 of the 4 windows hold a step below η");
    }

    [Test]
    public void ASpikeRisesInTheTopEigenspaceWhenPlGrowsMoreThanItsComplement()
    {
        Assert.That(Run(Probe).SpikeRisesInTopEigenspace(1), Is.EqualTo(new bool?[] { true, false }));
        Assert.That(Run(Probe.Take(2).ToList()).SpikeRisesInTopEigenspace(1), Is.EqualTo(new bool?[] { true, null }), "no record at B's peak");
    }

    [Test]
    public void EachClaimIsTestedOverEverySeedsSpikesAgainstChance()
    {
        // Five seeds of the run above, both spikes rising in PL_1 (B: PL_1 2 → 4 while PL_1⊥ 1.2 → 1.3).
        var both = new[] { Record(5, pl: 0.1, perp: 1), Record(10, pl: 2, perp: 1.2), Record(15, pl: 4, perp: 1.3) };
        var verdicts = SpikeVerdicts.Judge(Enumerable.Repeat(Run(both), 5).ToList(), 1);
        Assert.That(verdicts.Select(v => v.Holds), Is.EqualTo(new[] { true, false, false }), string.Join("\n", verdicts));
        // 10 of 10 spikes in PL_1 against 1/2 each: p = 2⁻¹⁰.
        Assert.That(verdicts[0].Evidence, Does.Contain("10 of 10 spikes over 5 seed(s)").And.Contain("chance expects 5.0").And.Contain("p = 0.00098"));
        // 5 of 10 start above the critical rate, where 2 of each run's 4 windows hold such a step: P(Bin(10, 1/2) ≥ 5) = 638/1024.
        Assert.That(verdicts[1].Evidence, Does.Contain("5 of 10 spikes").And.Contain("share per seed 0.50 ± 0.00").And.Contain("p = 0.62"));
        // No spike lowers λ_max beyond its drift.
        Assert.That(verdicts[2].Evidence, Does.Contain("0 of 10 spikes").And.Contain("p = 1"));
        var none = SpikeVerdicts.Judge(new[] { Run(Probe) with { Spikes = Array.Empty<CatapultEvent>() } }, 1);
        Assert.That(none.Select(v => v.Evidence), Is.All.EqualTo("no spike to judge"));
        Assert.That(none.Select(v => v.Word), Is.All.EqualTo("not tested"));
    }

    [Test]
    public void TheChanceOfACountMatchesTheBinomialAndEveryOutcomeSummed()
    {
        Assert.That(Statistics.UpperTail(Enumerable.Repeat(0.5, 16).ToList(), 15), Is.EqualTo(17 / 65536.0).Within(1e-15), "(C(16,15) + C(16,16)) / 2¹⁶");
        Assert.That(Statistics.UpperTail(Enumerable.Repeat(0.05, 20).ToList(), 0), Is.EqualTo(1));
        Assert.That(Statistics.UpperTail(Enumerable.Repeat(0.05, 20).ToList(), 21), Is.EqualTo(0));
        // Unequal chances: the tail against every one of the 2⁵ outcomes, enumerated.
        double[] p = { 0.1, 0.5, 0.9, 0.3, 0.05 };
        for (int observed = 0; observed <= p.Length; observed++)
        {
            double tail = 0;
            for (int mask = 0; mask < 1 << p.Length; mask++)
            {
                double probability = 1;
                for (int i = 0; i < p.Length; i++) probability *= (mask >> i & 1) == 1 ? p[i] : 1 - p[i];
                if (System.Numerics.BitOperations.PopCount((uint)mask) >= observed) tail += probability;
            }
            Assert.That(Statistics.UpperTail(p, observed), Is.EqualTo(tail).Within(1e-14), $"X ≥ {observed}");
        }
        // A tiny tail keeps its digits: P(X ≥ 60) over 60 trials of 1/2 is 2⁻⁶⁰.
        Assert.That(Statistics.UpperTail(Enumerable.Repeat(0.5, 60).ToList(), 60), Is.EqualTo(Math.Pow(2, -60)).Within(1e-30));
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.UpperTail(new[] { 0.5, double.NaN }, 1));
    }

    [Test]
    public void TheQuickRunCountsAsCatapultsOnlySpikesAfterWhichTheRecordedLambdaMaxIsLower()
    {
        string output = Path.Combine(Path.GetTempPath(), "catapults-spikes-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, stdout, error) = StudyCli.Run("sgd-spikes", "--quick", "--threads", "1", "--out", output);
            Assert.That(code, Is.EqualTo(0), stdout + error);
            string run = Path.Combine(output, "runs", "b10-seed0");
            // steps.csv holds the probe set's λ_max at every row, the one diagnostics.json records for that step.
            var lines = File.ReadAllLines(Path.Combine(run, "steps.csv"));
            var header = lines[0].Split(',');
            int column = Array.IndexOf(header, "lambda_max");
            Assert.That(column, Is.GreaterThan(0), lines[0]);
            var lambda = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => int.Parse(f[0], CultureInfo.InvariantCulture),
                f => double.Parse(f[column], CultureInfo.InvariantCulture));
            using var diagnostics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "observers", "diagnostics.json")));
            foreach (var record in diagnostics.RootElement.GetProperty("records").EnumerateArray())
            {
                int step = record.GetProperty("step").GetInt32();
                if (lambda.TryGetValue(step, out double value))
                    Assert.That(value, Is.EqualTo(record.GetProperty("eigenvalues")[0].GetDouble()), $"step {step}");
            }
            using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
            int spikes = summary.RootElement.GetProperty("spikes").GetInt32();
            int catapults = summary.RootElement.GetProperty("catapults").GetInt32();
            Assert.That(spikes, Is.GreaterThan(0), "the quick run spikes");
            using var events = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "events.json")));
            Assert.That(events.RootElement.GetArrayLength(), Is.EqualTo(catapults));
            // Each catapult's λ_max is lower at the first record after its end than at the last one before its start.
            foreach (var e in events.RootElement.EnumerateArray())
            {
                int start = e.GetProperty("startStep").GetInt32(), end = e.GetProperty("endStep").GetInt32();
                double before = lambda.Where(p => p.Key <= start).MaxBy(p => p.Key).Value;
                double after = lambda.Where(p => p.Key >= end).MinBy(p => p.Key).Value;
                Assert.That(after, Is.LessThan(before), $"catapult {start}–{end}");
            }
            // At these settings λ_max rises across every spike (it grows as the network trains), so none is a catapult.
            Assert.That(catapults, Is.EqualTo(0), $"{spikes} spikes, {catapults} catapults");
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }
}
