using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Probes;
using Catapults.Study.DominantSubspace;
using Catapults.Study.Infrastructure;
using Catapults.Study.SgdSpikes;
using Catapults.Study.Tests.SgdSpikes;

namespace Catapults.Study.Tests;

/// <summary>
/// Found by mutation testing (5 Dec 2026), each a fault no test saw: the sgd-spikes PL_s rule at s &gt; 1, the dominant-subspace late-loss window and the
/// upper side of its edge-of-stability band, on hand-made records whose answers are known.
/// </summary>
public sealed class ClaimInputTests
{
    private static SpikeRun Run(IReadOnlyList<DiagnosticsRecord> records) =>
        PlantedSpikeRun.Create(PlantedSpikeRun.TwoSpikes.Take(1).ToList(), criticalRate: null, records);

    private static DiagnosticsRecord Record(int step, double[] pl, double[] perp) => PlantedSpikeRun.Record(step, pl, perp);

    [Test]
    public void AtRankTwoTheSpikeIsJudgedOnPl2AndItsComplement()
    {
        // PL_1 barely moves (0.1 → 0.2); PL_2 rises by 3 while PL_2⊥ rises by 1: at s = 2 the spike rises in the top
        // eigenspace; at s = 1 (0.1 against PL_1⊥'s 0.5) it does not.
        var records = new[]
        {
            Record(5, pl: new[] { 0.1, 0.6 }, perp: new[] { 1.0, 1.0 }),
            Record(10, pl: new[] { 0.2, 3.6 }, perp: new[] { 1.5, 2.0 }),
        };
        Assert.That(Run(records).SpikeRisesInTopEigenspace(2), Is.EqualTo(new bool?[] { true }));
        Assert.That(Run(records).SpikeRisesInTopEigenspace(1), Is.EqualTo(new bool?[] { false }));
    }

    private static ArmResult Arm(string name, IReadOnlyList<double> losses) =>
        new(name, losses.Select((l, step) => (step, l)).ToList(), Array.Empty<SubspaceAlignmentRecord>(), ML.Training.TrainingOutcome.BudgetReached, losses[^1], 0, 0);

    [Test]
    public void TheLateLossIsTheMeanOverTheLastFifthOfTheSteps()
    {
        // Ten steps: the last fifth is steps 8 and 9, losses 0.4 and 0.6, so the late loss is 0.5 (not the last point, 0.6).
        var settings = new DominantSubspaceSettings { Seeds = 2 };
        var curve = Enumerable.Repeat(1.0, 8).Concat(new[] { 0.4, 0.6 }).ToList();
        var flat = Enumerable.Repeat(1.0, 10).ToList();
        var results = Enumerable.Range(0, 2).Select(i => new StudyResult(settings with { Seed = i }, "test", 100, Arm("warm-up", flat), 1.0,
            new[] { 3.0, 0.3 }, new[] { Arm("SGD", curve), Arm("Dom-SGD", flat), Arm("Bulk-SGD", curve) }, TimeSpan.FromSeconds(1))).ToList();

        string report = DominantSubspaceCommand.Report(results);

        Assert.That(report, Does.Contain("SGD keeps reducing the loss: 0.5 ± 0 of the loss at the switch"), report);
    }

    [Test]
    public void SharpnessFarAboveTheEdgeIsNotAtTheEdge()
    {
        // As the precondition test, but GD's sharpness sits at 1.3 × 2/η on average: outside 1 ± 0.1, not at the edge.
        var settings = DominantSubspaceSettings.Eos with { LearningRate = 0.5, Steps = 10, Seeds = 1 };
        double above = 1.3 * 2 / settings.LearningRate;
        var top = Enumerable.Range(0, 10).Select(i => above - 0.01 * i).ToArray();
        var eigenvalues = top.Append(top[^1] / 12).ToArray();
        var records = new[] { 0, 5, 10 }.Select(step => new SubspaceAlignmentRecord(step, step == 10, 0.1, 0.4, eigenvalues, 20)).ToList();
        var losses = Enumerable.Range(0, 10).Select(step => (step, 0.1 - 0.001 * step)).ToList();
        ArmResult GdArm(string name) => new(name, losses, records, ML.Training.TrainingOutcome.BudgetReached, 0.09, 0, 0);
        var result = new StudyResult(settings, "test", 100, GdArm("warm-up"), 0.1, eigenvalues, new[] { GdArm("GD"), GdArm("Dom-GD"), GdArm("Bulk-GD") }, TimeSpan.FromSeconds(1));

        string report = DominantSubspaceCommand.Report(new[] { result });

        Assert.That(report, Does.Match(@"sharpness rose to the edge[^\n]*: \*\*not met\*\* \(over the seeds: largest 1\.3[0-9]*, mean 1\.3"), report);
        Assert.That(report, Does.Contain("Dom-GD stalls (late loss at least 0.95 × the loss at the switch): **not tested**"));
        // The table's λ_max / (2/η) at the switch: 5.2 · 0.5 / 2 = 1.3, next to the mean over GD's records (also 1.3).
        Assert.That(report, Does.Match(@"\| 0\.1 \| 1\.3 \| 1\.3 \|"), report);
    }

    [Test]
    public void SpikesTooShortOfSpikeFreeWindowsAreCountedUnjudged()
    {
        // A 16-step run with one clear rise (1 → 5 → 1) after which λ_max falls: the detector finds the spike, but the
        // run has far fewer than SharpnessDrift.MinimumWindows spike-free windows, so the spike cannot be judged.
        using var temp = new Catapults.ML.Tests.Data.Fixtures.TempDirectory();
        var outcome = SixteenStepsWithOneRise(temp.Path, lambdaMaxAfter: 5.0, catapults: 1);

        var run = SpikeRun.Of(outcome, 1.0, Array.Empty<CriticalRateRecord>(), Array.Empty<DiagnosticsRecord>());

        Assert.That(run.Spikes, Has.Count.EqualTo(1), "the rise is a spike");
        Assert.That(run.UnjudgedSpikes, Is.EqualTo(1));
        Assert.That(run.UnjudgedSpikes, Is.EqualTo(outcome.SharpnessDrift()!.Value.Unjudged));
    }

    // The drift test judges every spike, not only those after which λ_max fell: a spike whose λ_max rose is not a
    // catapult, but one the run's few spike-free windows cannot judge is still counted unjudged (mutation round 35B).
    [Test]
    public void ASpikeAfterWhichLambdaMaxRoseIsCountedUnjudgedToo()
    {
        using var temp = new Catapults.ML.Tests.Data.Fixtures.TempDirectory();
        var outcome = SixteenStepsWithOneRise(temp.Path, lambdaMaxAfter: 12.0, catapults: 0);

        var run = SpikeRun.Of(outcome, 1.0, Array.Empty<CriticalRateRecord>(), Array.Empty<DiagnosticsRecord>());

        Assert.That(run.Spikes, Has.Count.EqualTo(1), "the rise is a spike");
        Assert.That(run.ClearSpikes, Is.Empty, "λ_max rose: no clear catapult");
        Assert.That(run.UnjudgedSpikes, Is.EqualTo(1), "too few spike-free windows to judge it");
    }

    // A 16-step run whose batch loss rises once (1 → 5 → 1 at steps 6–7), with λ_max 10 before step 8 and
    // lambdaMaxAfter from it: far fewer spike-free windows than SharpnessDrift.MinimumWindows.
    private static RunOutcome SixteenStepsWithOneRise(string folder, double lambdaMaxAfter, int catapults)
    {
        File.WriteAllText(Path.Combine(folder, "steps.csv"), "step,learning_rate,batch_loss,train_loss,test_loss,lambda_max\n");
        var rows = Enumerable.Range(0, 16).Select(t => new StepRow(t, 1.0, null, t is 6 or 7 ? 5.0 : 1.0, 1.0,
            new double?[] { t < 8 ? 10.0 : lambdaMaxAfter })).ToList();
        var config = new RunConfig
        {
            CheckpointEvery = 500, Experiment = "sgd-spikes", Label = "test", Data = new DataSettings(), Network = NetworkDescription.Default,
            Training = RunConfig.TrainingFor(1.0, 10, 16, 0, 1), Seed = 0, RecordEvery = 1,
        };
        var summary = new RunSummary { Label = "test", Outcome = "BudgetReached", Steps = 16, WallSeconds = 0, Catapults = catapults };
        return new RunOutcome(folder, config, summary, rows, Array.Empty<CatapultEvent>());
    }
}
