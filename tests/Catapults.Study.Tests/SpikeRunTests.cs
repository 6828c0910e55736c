using Catapults.ML.Training;
using Catapults.ML.Models;
using Catapults.ML.Diagnostics;
using Catapults.Study.Infrastructure;
using Catapults.Study.SgdSpikes;
using Catapults.ML.Probes;

namespace Catapults.Study.Tests;

/// <summary>The sgd-spikes counts, on hand-made records whose answers are known.</summary>
public sealed class SpikeRunTests
{
    private const double Eta = 1.0;

    // Steps 0..19, recorded every 5. η_crit(batch) is below η only at step 7 (window 5..9) and at steps 16 and 17
    // (window 15..19); spike A starts at 5 and peaks at 10, spike B starts at 10 and peaks at 15.
    private static SpikeRun Run(IReadOnlyList<DiagnosticsRecord> records)
    {
        var config = new RunConfig
        {
            Experiment = "sgd-spikes", Label = "test", Data = new DataSettings(), Network = NetworkDescription.Default,
            Training = RunConfig.TrainingFor(Eta, 10, 20, 0, 5), Seed = 0, RecordEvery = 5,
        };
        var summary = new RunSummary { Label = "test", Outcome = "BudgetReached", Steps = 20, WallSeconds = 0, Catapults = 2 };
        var events = new[]
        {
            new CatapultEvent(5, 10, 15, 1, 4, 1, null, null),
            new CatapultEvent(10, 15, 20, 1, 4, 1, null, null),
        };
        var outcome = new RunOutcome("dir", config, summary, Array.Empty<StepRow>(), events);
        var rates = Enumerable.Range(0, 20)
            .Select(t => new CriticalRateRecord(t, Eta, t is 7 or 16 or 17 ? 0.5 : 2.0, 10, 10, 0)).ToList();
        return new SpikeRun(outcome, 1.0, rates, records);
    }

    // Spike A rises in PL_1 (0.1 → 2 while PL_1⊥ 1 → 1.2); spike B in PL_1⊥ (PL_1 2 → 2.5 while PL_1⊥ 1.2 → 5).
    private static readonly DiagnosticsRecord[] Probe = { Record(5, pl: 0.1, perp: 1), Record(10, pl: 2, perp: 1.2), Record(15, pl: 2.5, perp: 5) };

    private static DiagnosticsRecord Record(int step, double pl, double perp) => new()
    {
        Step = step, Epoch = 0, LearningRate = Eta, ProbeLoss = pl + perp, ProjectedLosses = new[] { pl }, OrthogonalLosses = new[] { perp },
    };

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
}
