using Catapults.ML.Probes;
using Catapults.ML.Training;
using Catapults.Study.DominantSubspace;

namespace Catapults.Study.Tests.DominantSubspace;

/// <summary>
/// What DominantSubspaceCommand.Report states about the runs on hand-built seeds: the edge-of-stability precondition
/// read over the base (GD) arm alone, the start above the edge described as such, the SGD steps before GD from their
/// first record to their last, and the header's rates per seed, summed wall time, k, refresh interval and the k + 1
/// eigenvalues at the switch.
/// Found by mutation testing (7 Dec 2026, round 21B).
/// </summary>
public sealed class DominantSubspaceCommandReportTests
{
    private static SubspaceAlignmentRecord Record(int step, double chi, double[] eigenvalues) => new(step, step == 10, 0.1, chi, eigenvalues, 20);

    // One GD seed at η = 0.5 (2/η = 4) started at 2.2 / λ_max after 5 SGD steps. Its GD arm sits at the edge (mean 1 × 2/η)
    // with χ_k 0.4; the Dom arm sits at 1.5 × 2/η and the Bulk arm has χ_k 0.01, neither of which the precondition reads.
    private static string EdgeReport(double factor = 2.2)
    {
        var settings = DominantSubspaceSettings.Eos with { LearningRate = 0.5, Steps = 10, Seeds = 1, EdgeOfStabilityFactor = factor, SgdWarmUpSteps = 5 };
        double edge = 2 / settings.LearningRate;
        double[] Spectrum(double ratio) => Enumerable.Range(0, 10).Select(i => ratio * edge * (1 - 0.001 * i)).ToArray();
        var eigenvalues = Spectrum(1).Append(Spectrum(1)[^1] / 12).ToArray();
        var losses = Enumerable.Range(0, 10).Select(step => (step, 0.1 - 0.001 * step)).ToList();
        ArmResult Arm(string name, double ratio, double chi) =>
            new(name, losses, new[] { 0, 10 }.Select(step => Record(step, chi, Spectrum(ratio))).ToList(), TrainingOutcome.BudgetReached, 0.09, 0, 0);
        // χ_k 0.2 → 0.6 and λ_max 3 → 5 over the SGD steps, with a record between them.
        var sgd = new ArmResult("SGD warm-up", losses, new[] { Record(0, 0.2, new[] { 3.0 }), Record(2, 0.9, new[] { 9.0 }), Record(4, 0.6, new[] { 5.0 }) },
            TrainingOutcome.BudgetReached, 0.1, 0, 0);
        var result = new StudyResult(settings, "test", 100, Arm("warm-up", 1, 0.4), 0.1, eigenvalues,
            new[] { Arm("GD", 1, 0.4), Arm("Dom-GD", 1.5, 0.4), Arm("Bulk-GD", 1, 0.01) }, TimeSpan.FromSeconds(1), sgd, 4.0);
        return DominantSubspaceCommand.Report(new[] { result });
    }

    [Test]
    public void TheEdgePreconditionReadsTheGdArmOnly() =>
        Assert.That(EdgeReport(), Does.Contain("): **met** (over the seeds: largest 1, mean 1, χ_k 0.4)"));

    [Test]
    public void AStartAboveTheEdgeMustBringTheSharpnessDown()
    {
        string report = EdgeReport();
        Assert.That(report, Does.Contain("so GD starts at 1.1 × its stability threshold (λ_max · η / 2) and must bring the sharpness down to 2/η"));
        Assert.That(report, Does.Not.Contain("must sharpen"));
    }

    // At a factor of exactly 2 the sharpness is already 2/η: it has neither to rise nor to fall (round 27C noticed that
    // the report said it must come down).
    [Test]
    public void AStartOnTheEdgeIsSaidToBeOnIt()
    {
        string report = EdgeReport(factor: 2);
        Assert.That(report, Does.Contain("so GD starts on its stability threshold (λ_max = 2/η)"));
        Assert.That(report, Does.Not.Contain("must sharpen").And.Not.Contain("must bring the sharpness down"));
    }

    [Test]
    public void AStartBelowTheEdgeMustSharpen() =>
        Assert.That(EdgeReport(factor: 1.9), Does.Contain("so GD starts at 0.95 of its stability threshold (λ_max · η / 2) and must sharpen to reach 2/η"));

    [Test]
    public void TheSgdStepsBeforeGdAreDescribedFromTheirFirstRecordToTheirLast() =>
        Assert.That(EdgeReport(), Does.Contain("During the SGD steps before GD χ_k went from 0.2 to 0.6 and λ_max from 3 to 5."));

    // Two SGD seeds at different rates, 1 s and 2 s of wall time, k = --rank 4 = --classes, eigenspace refreshed every 5 steps.
    [Test]
    public void TheHeaderGivesRatesPerSeedTheSummedWallTimeKAndTheRefreshInterval()
    {
        var settings = new DominantSubspaceSettings { Seeds = 2, Classes = 4, Rank = 4, RefreshEvery = 5 };
        ArmResult Constant(string name, double loss) =>
            new(name, Enumerable.Range(0, 10).Select(step => (step, loss)).ToList(), Array.Empty<SubspaceAlignmentRecord>(), TrainingOutcome.BudgetReached, loss, 0, 0);
        var results = new[] { (0, 0.5, 1.0), (1, 0.25, 2.0) }.Select(p => new StudyResult(settings with { Seed = p.Item1, LearningRate = p.Item2 }, "test", 100,
            Constant("warm-up", 1), 1.0, new[] { 5.0, 4.0, 3.0, 2.0, 0.2 }, new[] { Constant("SGD", 0.5), Constant("Dom-SGD", 1), Constant("Bulk-SGD", 0.5) },
            TimeSpan.FromSeconds(p.Item3))).ToList();

        string report = DominantSubspaceCommand.Report(results);

        Assert.That(report, Does.Contain("η per seed 0.5, 0.25, so 2/η = 4, 8;"));
        Assert.That(report, Does.Contain("- Seeds 0, 1; wall time 3.0 s"));
        Assert.That(report, Does.Contain("k = 4 (the number of classes); eigenspace refreshed every 5 steps on at most"));
        Assert.That(report, Does.Contain("The top 5 Hessian eigenvalues at the switch (seed 0): 5, 4, 3, 2, 0.2."));
    }

    // Found by mutation testing (round 27C): the seed table's λ_max / (2/η) at the switch was free to lose its factor 1/2,
    // and the model line its "without biases".
    [Test]
    public void TheSeedTableGivesTheSharpnessAtTheSwitchInUnitsOfTheEdge()
    {
        // η = 0.5, so 2/η = 4: λ_max 3 at the switch is 0.75 of it; k = 1, so λ_k / λ_k+1 = 3 / 0.3 = 10; no records after it.
        var settings = new DominantSubspaceSettings { Seeds = 1, Classes = 2, Rank = 1, LearningRate = 0.5 };
        ArmResult Constant(string name, double loss) =>
            new(name, Enumerable.Range(0, 10).Select(step => (step, loss)).ToList(), Array.Empty<SubspaceAlignmentRecord>(), TrainingOutcome.BudgetReached, loss, 0, 0);
        var result = new StudyResult(settings, "test", 100, Constant("warm-up", 1), 1.0, new[] { 3.0, 0.3 },
            new[] { Constant("SGD", 0.5), Constant("Dom-SGD", 1), Constant("Bulk-SGD", 0.5) }, TimeSpan.FromSeconds(1));
        Assert.That(DominantSubspaceCommand.Report(new[] { result }), Does.Contain("| 0 | 1 | 0.75 | NaN | 10 | 0.5 | 1 | 1 |"));
        Assert.That(DominantSubspaceCommand.Report(new[] { result with { Settings = settings with { UseBias = false } } }),
            Does.Contain("NTK parameterisation, without biases, 100 parameters"));
    }
}
