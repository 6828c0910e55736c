using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Probes;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;
using Catapults.Study.SgdSpikes;

namespace Catapults.Study.Tests.SgdSpikes;

/// <summary>
/// The sgd-spikes counts and verdicts where the rule draws its lines, on hand-made runs (as SpikeRunTests'): a rise
/// window is the record interval from the start, η must exceed η_crit(batch), PL_s must rise more than PL_s⊥ and at
/// index s; spikes the drift test cannot judge are left out of its chances, p = 0.05 holds (p ≤ 0.05), and a run without
/// critical-rate records leaves its claim not tested. Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class SpikeVerdictChanceTests
{
    private const double Eta = 1.0;

    // Spike A starts at 5 and peaks at 10, B starts at 10 and peaks at 15.
    private static readonly IReadOnlyList<CatapultEvent> Events = PlantedSpikeRun.TwoSpikes;

    private static SpikeRun Run(Func<int, double> critical, IReadOnlyList<DiagnosticsRecord>? records = null, IReadOnlyList<CatapultEvent>? clear = null, int unjudged = 0,
        bool rates = true) =>
        PlantedSpikeRun.Create(Events, rates ? critical : null, records, clear, unjudged);

    [Test]
    public void ARiseWindowEndsBeforeTheNextRecord()
    {
        // η_crit(batch) < η only at step 10: outside A's window 5..9, the first step of B's 10..14.
        var run = Run(t => t == 10 ? 0.5 : 2.0);
        Assert.That(run.SpikeStartsAboveCritical(), Is.EqualTo(new[] { false, true }));
        // Only at step 15, one step after B's window: neither.
        Assert.That(Run(t => t == 15 ? 0.5 : 2.0).SpikeStartsAboveCritical(), Is.EqualTo(new[] { false, false }));
    }

    [Test]
    public void ARateEqualToTheCriticalRateIsNotAboveIt()
    {
        var run = Run(_ => Eta);
        Assert.Multiple(() =>
        {
            Assert.That(run.SpikeStartsAboveCritical(), Is.EqualTo(new[] { false, false }));
            Assert.That(run.FractionAboveCritical, Is.EqualTo(0));
            Assert.That(run.WindowFractionAboveCritical, Is.EqualTo(0));
        });
    }

    private static DiagnosticsRecord Record(int step, double[] projected, double[] orthogonal) => PlantedSpikeRun.Record(step, projected, orthogonal);

    [Test]
    public void ARiseSharedEquallyIsNotMostlyInTheTopEigenspace()
    {
        // A: PL_1 1 → 2 and PL_1⊥ 1 → 2, equal rises; B: no record at its peak.
        var records = new[] { Record(5, [1], [1]), Record(10, [2], [2]) };
        Assert.That(Run(_ => 2.0, records).SpikeRisesInTopEigenspace(1), Is.EqualTo(new bool?[] { false, null }));
    }

    [Test]
    public void TheTopTwoEigenspaceIsReadAtIndexTwo()
    {
        // s = 2: PL_2 rises 1 → 3 against PL_2⊥ 0.5 → 1, so A rises mostly in PL_2 (PL_1⊥ rises by 5, which s = 2 does not read);
        // B: PL_2 3 → 3.1 against PL_2⊥ 1 → 4.
        var records = new[]
        {
            Record(5, [0.5, 1], [0, 0.5]),
            Record(10, [0.6, 3], [5, 1]),
            Record(15, [0.6, 3.1], [5, 4]),
        };
        var run = Run(_ => 2.0, records);
        Assert.That(run.SpikeRisesInTopEigenspace(2), Is.EqualTo(new bool?[] { true, false }));
        Assert.That(run.SpikeRisesInTopEigenspace(3), Is.EqualTo(new bool?[] { null, null }), "records hold two eigenspaces");
    }

    [Test]
    public void SpikesTheDriftTestCannotJudgeAreLeftOutOfItsChances()
    {
        // Two spikes, one not judged, the other clear: 1 of 1 against 0.05, so p = 0.05 exactly, which holds (p ≤ 0.05).
        var run = Run(_ => 2.0, clear: new[] { Events[0] }, unjudged: 1);
        var clearClaim = SpikeVerdicts.Judge(new[] { run }, 1)[2];
        Assert.That(clearClaim.Evidence, Does.Contain("1 of 1 spikes over 1 seed(s)").And.Contain("p = 0.05"));
        Assert.That(clearClaim.Outcome, Is.EqualTo(VerdictOutcome.Holds));
    }

    [Test]
    public void ARunWithoutCriticalRateRecordsLeavesItsClaimNotTested()
    {
        var verdict = SpikeVerdicts.Judge(new[] { Run(_ => 2.0, rates: false) }, 1)[1];
        Assert.That(verdict.Outcome, Is.EqualTo(VerdictOutcome.NotTested));
        Assert.That(verdict.Evidence, Is.EqualTo("a run has no record of its chance level"));
    }

    // Every window above the critical rate makes the chance 1: a share that is a chance level, so the claim is judged
    // (every spike doing so is just what chance expects: p = 1, it fails), not left untested (mutation round 14B).
    [Test]
    public void AChanceOfOneIsJudged()
    {
        var run = Run(_ => 0.5);
        Assert.That(run.WindowFractionAboveCritical, Is.EqualTo(1));
        var verdict = SpikeVerdicts.Judge(new[] { run }, 1)[1];
        Assert.That(verdict.Outcome, Is.EqualTo(VerdictOutcome.Fails));
        Assert.That(verdict.Evidence, Does.StartWith("2 of 2 spikes over 1 seed(s)").And.Contain("chance expects 2.0; one-sided p = 1"));
    }
    // No window above the critical rate makes the chance 0: still a chance level, so the claim is judged (no spike
    // starts above it, as chance expects: p = 1, it fails), not left untested (mutation round 22B).
    [Test]
    public void AChanceOfZeroIsJudged()
    {
        var run = Run(_ => 2.0);
        Assert.That(run.WindowFractionAboveCritical, Is.EqualTo(0));
        var verdict = SpikeVerdicts.Judge(new[] { run }, 1)[1];
        Assert.That(verdict.Outcome, Is.EqualTo(VerdictOutcome.Fails));
        Assert.That(verdict.Evidence, Does.StartWith("0 of 2 spikes over 1 seed(s)").And.Contain("chance expects 0.0; one-sided p = 1"));
    }

    // A step's records: the probe keeps the first of a step (as its loss points do), so a second record of that step
    // does not decide the rise (mutation round 22B).
    [Test]
    public void TheFirstRecordOfAStepDecidesTheRise()
    {
        // A: PL_1 0.1 → 2 against PL_1⊥ 1 → 1.2 at the first record of step 10; a second one of step 10 says the opposite.
        var records = new[] { Record(5, [0.1], [1]), Record(10, [2], [1.2]), Record(10, [0.1], [5]) };
        Assert.That(Run(_ => 2.0, records).SpikeRisesInTopEigenspace(1), Is.EqualTo(new bool?[] { true, null }));
    }
}
