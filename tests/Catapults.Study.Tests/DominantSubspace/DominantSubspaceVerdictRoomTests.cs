using Catapults.ML.Probes;
using Catapults.ML.Training;
using Catapults.Study.DominantSubspace;

namespace Catapults.Study.Tests.DominantSubspace;

/// <summary>
/// The dominant-subspace report's rules on hand-built seeds whose late losses are known: over seeds a claim holds only
/// with one standard deviation of room (the base arm's progress too), the late loss is the mean over the last 20 % of
/// an arm's steps, and in the edge-of-stability regime the sharpness must have reached 2/η, hover within 1 ± 0.1 of it
/// and stand a gap of at least 2 (inclusive) from the bulk. Found by mutation testing (6 Dec 2026). Each line the rules
/// draw is inclusive where they say "at least" or "at most": Dom at exactly 0.95 stalls, Bulk at exactly 1.05 keeps pace,
/// the base arm at exactly 0.95 does not train, and the edge's peak 1, band 1 ± 0.1 and χ_k 0.1 are met; an arm of fewer
/// than five losses has its last loss as its late loss; the seed table gives the last record's λ_max (round 17B).
/// </summary>
public sealed class DominantSubspaceVerdictRoomTests
{
    private static ArmResult Constant(string name, double loss) =>
        new(name, Enumerable.Range(0, 10).Select(step => (step, loss)).ToList(), Array.Empty<SubspaceAlignmentRecord>(), TrainingOutcome.BudgetReached, loss, 0, 0);

    // Seeds with the loss at the switch 1 and constant arms: the late / switch ratios are the losses given.
    private static string Report(double[] baseLate, double[] domLate, double[] bulkLate)
    {
        var settings = new DominantSubspaceSettings { Seeds = baseLate.Length };
        var results = Enumerable.Range(0, baseLate.Length).Select(i => new StudyResult(settings with { Seed = i }, "test", 100, Constant("warm-up", 1), 1.0,
            new[] { 3.0, 0.3 }, new[] { Constant("SGD", baseLate[i]), Constant("Dom-SGD", domLate[i]), Constant("Bulk-SGD", bulkLate[i]) }, TimeSpan.FromSeconds(1))).ToList();
        return DominantSubspaceCommand.Report(results);
    }

    private const string Dom = "Dom-SGD stalls (late loss at least 0.95 × the loss at the switch): **";
    private const string Bulk = "Bulk-SGD keeps pace with SGD (late loss at most 1.05 × SGD's): **";

    [Test]
    public void DomStallsOnlyWithOneStandardDeviationOfRoom()
    {
        // Dom at 1.00 and 0.92: mean 0.96 is above 0.95, but mean − sd (0.90) is not.
        Assert.That(Report([0.5, 0.5], [1.0, 0.92], [0.5, 0.5]), Does.Contain(Dom + "fails**"));
        Assert.That(Report([0.5, 0.5], [1.0, 0.99], [0.5, 0.5]), Does.Contain(Dom + "holds**"));
    }

    [Test]
    public void BulkKeepsPaceOnlyWithOneStandardDeviationOfRoom()
    {
        // Bulk at 1.00 and 1.08 × SGD: mean 1.04 is below 1.05, but mean + sd (1.097) is not.
        Assert.That(Report([0.5, 0.5], [1.0, 1.0], [0.5, 0.54]), Does.Contain(Bulk + "fails**"));
        Assert.That(Report([0.5, 0.5], [1.0, 1.0], [0.5, 0.51]), Does.Contain(Bulk + "holds**"));
    }

    [Test]
    public void TheBaseArmTrainsOnlyWithOneStandardDeviationOfRoom()
    {
        // SGD at 0.85 and 0.99 of the switch loss: mean 0.92 is below 0.95, but mean + sd (1.02) is not.
        string report = Report([0.85, 0.99], [1.0, 1.0], [0.85, 0.99]);
        Assert.That(report, Does.Contain("so neither claim is tested"));
        Assert.That(report, Does.Contain(Dom + "not tested**").And.Contain(Bulk + "not tested**"));
    }

    [Test]
    public void TheLateLossIsTheMeanOverTheLastFifthOfTheSteps()
    {
        // 20 steps with loss 1 − 0.02 t: the last fifth, t = 16 … 19, averages 0.65 (the last quarter would give 0.66).
        var falling = new ArmResult("SGD", Enumerable.Range(0, 20).Select(t => (t, 1 - 0.02 * t)).ToList(), Array.Empty<SubspaceAlignmentRecord>(), TrainingOutcome.BudgetReached, 0.62, 0, 0);
        var result = new StudyResult(new DominantSubspaceSettings { Seeds = 1 }, "test", 100, Constant("warm-up", 1), 1.0, new[] { 3.0, 0.3 },
            new[] { falling, Constant("Dom-SGD", 1), Constant("Bulk-SGD", 0.65) }, TimeSpan.FromSeconds(1));
        string report = DominantSubspaceCommand.Report(new[] { result });
        Assert.That(report, Does.Contain("| SGD | 1 | 0.62 | 0.65 | 0.65 |"));
        Assert.That(report, Does.Not.Contain("every seed is inside the tolerance"), "one seed has no others to be traced against");
    }

    // One GD seed at the edge-of-stability settings whose sharpness, in units of 2/η, peaks at `peak` during the
    // warm-up and averages `mean` over the GD arm, with χ_k 0.4 and the gap λ_k / λ_k+1 given.
    private static string EdgeReport(double peak, double mean, double gap)
    {
        var settings = DominantSubspaceSettings.Eos with { LearningRate = 0.5, Steps = 10, Seeds = 1 };
        double edge = 2 / settings.LearningRate;
        double[] Spectrum(double ratio) => Enumerable.Range(0, 10).Select(i => ratio * edge * (1 - 0.001 * i)).ToArray();
        var top = Spectrum(mean);
        var eigenvalues = top.Append(top[^1] / gap).ToArray();
        var records = new[] { 0, 5, 10 }.Select(step => new SubspaceAlignmentRecord(step, step == 10, 0.1, 0.4, eigenvalues, 20)).ToList();
        var losses = Enumerable.Range(0, 10).Select(step => (step, 0.1 - 0.001 * step)).ToList();
        ArmResult Arm(string name) => new(name, losses, records, TrainingOutcome.BudgetReached, 0.09, 0, 0);
        var warmUp = Arm("warm-up") with { Alignment = records.Select(r => r with { Eigenvalues = Spectrum(peak) }).ToList() };
        return DominantSubspaceCommand.Report(new[] { new StudyResult(settings, "test", 100, warmUp, 0.1, eigenvalues, new[] { Arm("GD"), Arm("Dom-GD"), Arm("Bulk-GD") }, TimeSpan.FromSeconds(1)) });
    }

    [Test]
    public void ASharpnessAboveTheBandIsNotAtTheEdge()
    {
        Assert.That(EdgeReport(peak: 1.25, mean: 1.2, gap: 12), Does.Match(@"sharpness rose to the edge[^*]*: \*\*not met\*\*"));
        Assert.That(EdgeReport(peak: 1.25, mean: 1.05, gap: 12), Does.Match(@"sharpness rose to the edge[^*]*: \*\*met\*\*"));
    }

    [Test]
    public void ASharpnessThatNeverReachedTheEdgeIsNotAtIt()
    {
        // Hovering at 0.96 of 2/η inside the band, but never at 2/η.
        Assert.That(EdgeReport(peak: 0.97, mean: 0.96, gap: 12), Does.Match(@"sharpness rose to the edge[^*]*: \*\*not met\*\*"));
    }

    [Test]
    public void AGapOfExactlyTwoMeetsTheGapPrecondition()
    {
        Assert.That(EdgeReport(peak: 1.25, mean: 1.0, gap: 2), Does.Match(@"k outliers apart from the bulk[^\n]*\*\*met\*\* \(2\)"));
        Assert.That(EdgeReport(peak: 1.25, mean: 1.0, gap: 1.9), Does.Match(@"k outliers apart from the bulk[^\n]*\*\*not met\*\* \(1\.9\)"));
    }

    [Test]
    public void ClaimsHoldOnTheirLinesAndTheBaseArmDoesNotTrainOnItsOwn()
    {
        Assert.That(Report([0.5, 0.5], [0.95, 0.95], [0.5, 0.5]), Does.Contain(Dom + "holds**"), "mean − sd exactly 0.95");
        Assert.That(0.525 / 0.5, Is.EqualTo(1 + DominantSubspaceCommand.Tolerance), "the ratio below is exactly the line");
        Assert.That(Report([0.5, 0.5], [1.0, 1.0], [0.525, 0.525]), Does.Contain(Bulk + "holds**"), "mean + sd exactly 1.05");
        string level = Report([0.95, 0.95], [1.0, 1.0], [0.95, 0.95]);
        Assert.That(level, Does.Contain("does not reduce the loss after the switch by 5 % with one standard deviation of room, so neither claim is tested: 0.95 ± 0 of the loss at the switch."));
    }

    [Test]
    public void ASeedOnTheLineIsInsideTheToleranceOnItsOwn()
    {
        // Dom at 0.95 and 1.0, Bulk at exactly 1.05 and 1.0 × SGD's: no seed is outside on its own.
        string report = Report([0.5, 0.5], [0.95, 1.0], [0.525, 0.5]);
        Assert.That(report, Does.Contain(Dom).And.Contain(Bulk));
        Assert.That(report.Split('\n').Count(l => l.Contains("; every seed is inside the tolerance on its own.", StringComparison.Ordinal)), Is.EqualTo(2), report);
    }

    // One GD seed whose warm-up peaks at `peak` × 2/η and whose GD arm averages `mean` × 2/η (its largest the larger of the two) with χ_k = `chi` at both of
    // its records (steps 0 and 10), with a gap of 12: every value exact in binary at η = 0.5.
    private static string EdgeLineReport(double peak, double mean, double chi)
    {
        var settings = DominantSubspaceSettings.Eos with { LearningRate = 0.5, Steps = 10, Seeds = 1 };
        double edge = 2 / settings.LearningRate;
        double[] Spectrum(double ratio) => Enumerable.Range(0, 10).Select(i => ratio * edge * (1 - 0.001 * i)).ToArray();
        var eigenvalues = Spectrum(mean).Append(Spectrum(mean)[^1] / 12).ToArray();
        var records = new[] { 0, 10 }.Select(step => new SubspaceAlignmentRecord(step, step == 10, 0.1, chi, eigenvalues, 20)).ToList();
        var losses = Enumerable.Range(0, 10).Select(step => (step, 0.1 - 0.001 * step)).ToList();
        ArmResult Arm(string name) => new(name, losses, records, TrainingOutcome.BudgetReached, 0.09, 0, 0);
        var warmUp = Arm("warm-up") with { Alignment = records.Select(r => r with { Eigenvalues = Spectrum(peak) }).ToList() };
        return DominantSubspaceCommand.Report(new[] { new StudyResult(settings, "test", 100, warmUp, 0.1, eigenvalues, new[] { Arm("GD"), Arm("Dom-GD"), Arm("Bulk-GD") }, TimeSpan.FromSeconds(1)) });
    }

    [TestCase(1.0, 0.9, 0.1, TestName = "The edge is met with a peak of exactly 2/η, a mean at the band's lower end and χ_k exactly 0.1")]
    [TestCase(1.0, 1.1, 0.1, TestName = "The edge is met with a mean at the band's upper end")]
    public void TheEdgeOfStabilityLinesAreInclusive(double peak, double mean, double chi) =>
        Assert.That(EdgeLineReport(peak, mean, chi), Does.Contain(
            $"): **met** (over the seeds: largest {Math.Max(peak, mean).ToString(System.Globalization.CultureInfo.InvariantCulture)}, " +
            $"mean {mean.ToString(System.Globalization.CultureInfo.InvariantCulture)}, χ_k {chi.ToString(System.Globalization.CultureInfo.InvariantCulture)})"));

    [Test]
    public void AnArmOfFewerThanFiveLossesEndsOnItsLastLoss()
    {
        // Three losses: the last fifth rounds down to none, so the late loss is the last one, 0.8.
        var shortArm = new ArmResult("SGD", new[] { (0, 1.0), (1, 0.9), (2, 0.8) }, Array.Empty<SubspaceAlignmentRecord>(), TrainingOutcome.BudgetReached, 0.8, 0, 0);
        var result = new StudyResult(new DominantSubspaceSettings { Seeds = 1 }, "test", 100, Constant("warm-up", 1), 1.0, new[] { 3.0, 0.3 },
            new[] { shortArm, Constant("Dom-SGD", 1), Constant("Bulk-SGD", 0.8) }, TimeSpan.FromSeconds(1));
        Assert.That(DominantSubspaceCommand.Report(new[] { result }), Does.Contain("| SGD | 1 | 0.8 | 0.8 | 0.8 |"));
    }

    [Test]
    public void TheSeedTableGivesTheMeanAlignmentAndTheLastRecordsSharpness()
    {
        // χ_k 0.2 then 0.6 (mean 0.4); λ_max 5 then 3; 7 Hessian-vector products.
        var records = new[] { new SubspaceAlignmentRecord(0, false, 0.5, 0.2, new[] { 5.0, 1.0 }, 3), new SubspaceAlignmentRecord(10, true, 0.4, 0.6, new[] { 3.0, 1.0 }, 4) };
        var arm = Constant("SGD", 0.5) with { Alignment = records, HessianProducts = 7 };
        var result = new StudyResult(new DominantSubspaceSettings { Seeds = 1 }, "test", 100, Constant("warm-up", 1), 1.0, new[] { 3.0, 0.3 },
            new[] { arm, Constant("Dom-SGD", 1), Constant("Bulk-SGD", 0.5) }, TimeSpan.FromSeconds(1));
        Assert.That(DominantSubspaceCommand.Report(new[] { result }), Does.Contain("| SGD | 1 | 0.5 | 0.5 | 0.5 | 0.4 | 3 | BudgetReached | 7 |"));
    }
}
