using Catapults.ML.Training;
using Catapults.ML.Models;
using Catapults.ML.Diagnostics;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.BatchSweep;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// The batch sweep's verdict machinery on planted results: the paper's pattern must be reported as holding, and each
/// way of breaking it (a reversed pair, overlapping seeds, a wrong-signed or weak correlation, diverged runs) as failing.
/// </summary>
public sealed class BatchSweepVerdictTests
{
    private const int N = 2000;

    /// <summary>Runs with catapults, alignment and test loss per batch size; each value list is one entry per seed.</summary>
    private static List<RunOutcome> Plant(params (int Batch, int[] Catapults, double[] Alignment, double[] TestLoss)[] groups)
    {
        var runs = new List<RunOutcome>();
        foreach (var (batch, catapults, alignment, testLoss) in groups)
            for (int seed = 0; seed < catapults.Length; seed++)
            {
                var config = new RunConfig
                {
                    RecordEvery = 10, CheckpointEvery = 500, Experiment = "batch-sweep", Label = $"b{batch}-seed{seed}", Data = new DataSettings(), Network = NetworkDescription.Default,
                    Training = RunConfig.TrainingFor(1, batch, 100, seed, 10), Seed = seed,
                };
                var summary = new RunSummary
                {
                    Label = config.Label, Outcome = double.IsNaN(testLoss[seed]) ? "Diverged" : "TargetLossReached", Steps = 100, WallSeconds = 1,
                    Catapults = catapults[seed], Spikes = catapults[seed], AgopAlignment = double.IsNaN(alignment[seed]) ? null : alignment[seed],
                    TestLoss = double.IsNaN(testLoss[seed]) ? null : testLoss[seed],
                };
                runs.Add(new RunOutcome("unused", config, summary, Array.Empty<StepRow>(), Array.Empty<CatapultEvent>()));
            }
        return runs;
    }

    private static readonly (int, int[], double[], double[])[] PaperPattern =
    {
        (N, new[] { 0, 0, 0 }, new[] { 0.86, 0.87, 0.85 }, new[] { 0.60, 0.58, 0.62 }),
        (50, new[] { 0, 1, 0 }, new[] { 0.88, 0.87, 0.89 }, new[] { 0.55, 0.57, 0.54 }),
        (10, new[] { 12, 10, 14 }, new[] { 0.93, 0.92, 0.94 }, new[] { 0.34, 0.36, 0.33 }),
        (5, new[] { 45, 47, 40 }, new[] { 0.97, 0.98, 0.97 }, new[] { 0.16, 0.18, 0.15 }),
    };

    [Test]
    public void ThePapersPatternHoldsOnEveryClaim()
    {
        var verdicts = BatchSweepReport.Verdicts(Plant(PaperPattern), hasAlignment: true);
        Assert.That(verdicts, Has.Count.EqualTo(5));
        Assert.That(verdicts.Where(v => !v.Holds).Select(v => v.Claim + ": " + v.Evidence), Is.Empty);
        Assert.That(verdicts.Select(v => v.Word), Is.All.EqualTo("holds"));
    }

    [Test]
    public void AReversedAdjacentPairFailsTheTrend()
    {
        var groups = PaperPattern.ToArray();
        // b = 10 aligns better than b = 5: the alignment trend must fail and name the reversal.
        groups[2] = (10, new[] { 12, 10, 14 }, new[] { 0.985, 0.99, 0.98 }, new[] { 0.34, 0.36, 0.33 });
        var alignment = BatchSweepReport.Verdicts(Plant(groups), hasAlignment: true).Single(v => v.Claim.StartsWith("AGOP alignment increases"));
        Assert.That(alignment.Holds, Is.False);
        Assert.That(alignment.Evidence, Does.Contain("reversed at b = 10 → 5"));
    }

    [Test]
    public void ExtremesWithinTheSeedSpreadFailTheTrend()
    {
        var trend = TrendVerdict.Monotone("test loss decreases as the batch size decreases",
            new (int, IReadOnlyList<double?>)[] { (N, new double?[] { 0.5, 0.9 }), (5, new double?[] { 0.45, 0.85 }) }, increases: false);
        Assert.That(trend.Holds, Is.False, "a gap of 0.05 against sds of about 0.28 each is not a trend");
        var separated = TrendVerdict.Monotone("test loss decreases as the batch size decreases",
            new (int, IReadOnlyList<double?>)[] { (N, new double?[] { 0.60, 0.62 }), (5, new double?[] { 0.15, 0.17 }) }, increases: false);
        Assert.That(separated.Holds, Is.True, separated.Evidence);
    }

    [Test]
    public void ABatchSizeWhoseRunsAllDivergedLeavesTheTrendNotTested()
    {
        var groups = PaperPattern.ToArray();
        groups[3] = (5, new[] { 0, 0, 0 }, new[] { double.NaN, double.NaN, double.NaN }, new[] { double.NaN, double.NaN, double.NaN });
        var verdicts = BatchSweepReport.Verdicts(Plant(groups), hasAlignment: true);
        var testLoss = verdicts.Single(v => v.Claim.StartsWith("test loss"));
        Assert.That(testLoss.Outcome, Is.EqualTo(VerdictOutcome.NotTested));
        Assert.That(testLoss.Word, Is.EqualTo("not tested"));
        Assert.That(testLoss.Evidence, Does.Contain("no finished run at b = 5"));
    }

    [Test]
    public void CorrelationsNeedTheClaimedSignAndSignificance()
    {
        var strong = Enumerable.Range(0, 12).Select(i => ((double?)i, (double?)(0.5 + 0.04 * i + 0.01 * (i % 3)))).ToList();
        Assert.That(TrendVerdict.Correlation("positive", strong, +1).Holds, Is.True);
        Assert.That(TrendVerdict.Correlation("negative", strong, -1).Holds, Is.False, "right strength, wrong sign");
        // Zigzag: r is small, so the permutation test cannot reject chance.
        var weak = Enumerable.Range(0, 12).Select(i => ((double?)i, (double?)(i % 2 == 0 ? 1.0 : 0.0) + 0.001 * i)).ToList();
        var verdict = TrendVerdict.Correlation("positive", weak, +1);
        Assert.That(verdict.Outcome, Is.EqualTo(VerdictOutcome.Fails), verdict.Evidence);
        Assert.That(TrendVerdict.Correlation("too few", strong.Take(2).ToList(), +1).Outcome, Is.EqualTo(VerdictOutcome.NotTested));
        // Every run without a catapult: r is undefined, so nothing links catapults to alignment either way.
        var flat = Enumerable.Range(0, 12).Select(i => ((double?)0, (double?)(0.5 + 0.04 * i))).ToList();
        Assert.That(TrendVerdict.Correlation("flat", flat, +1).Word, Is.EqualTo("not tested"));
    }

    [Test]
    public void WithoutATrueAgopOnlyTheCatapultAndTestLossTrendsAreJudged()
    {
        var verdicts = BatchSweepReport.Verdicts(Plant(PaperPattern), hasAlignment: false);
        Assert.That(verdicts.Select(v => v.Claim), Is.EquivalentTo(new[]
        {
            "catapults increase as the batch size decreases", "test loss decreases as the batch size decreases",
        }));
    }

    // Found by mutation testing (5 Dec 2026). Every ordering that ties the observed r counts against chance, the observed
    // one included: three perfectly ordered runs have the exact p = 1/3! ≈ 0.17, not significant, and p is never 0.
    [Test]
    public void PermutationPCountsTiesAndIsNeverZero()
    {
        var three = TrendVerdict.Correlation("three", new (double?, double?)[] { (1, 1), (2, 2), (3, 3) }, +1);
        Assert.That(three.Outcome, Is.EqualTo(VerdictOutcome.Fails), three.Evidence);
        Assert.That(three.Evidence, Does.Match(@"p = 0\.1[67]"));
        var twelve = TrendVerdict.Correlation("twelve", Enumerable.Range(0, 12).Select(i => ((double?)i, (double?)i)).ToList(), +1);
        Assert.That(twelve.Evidence, Does.Contain("p = 0.0001"), "(0 + 1) / (10,000 + 1)");
    }
    // Found by mutation testing (6 Dec 2026, round 16B): a diverged run's catapults (its spikes before it blew up) are
    // not a trained network's and stay out of the catapult trend, as its missing losses stay out of the others.
    [Test]
    public void ADivergedRunsCatapultsStayOutOfTheCatapultTrend()
    {
        var verdicts = BatchSweepReport.Verdicts(Plant(
            (N, new[] { 0, 0 }, new[] { 0.8, 0.8 }, new[] { 0.5, 0.5 }),
            (5, new[] { 10, 0 }, new[] { 0.9, double.NaN }, new[] { 0.3, double.NaN })), hasAlignment: false);
        var catapults = verdicts.Single(v => v.Claim == "catapults increase as the batch size decreases");
        // Only the finished b = 5 run counts: 10 ± 0 against 0 ± 0. With the diverged run's 0 it would be 5 ± 7.1, within the spread.
        Assert.That(catapults.Evidence, Does.Contain("b = 5: 10.0 ± 0.0"));
        Assert.That(catapults.Outcome, Is.EqualTo(VerdictOutcome.Holds), catapults.Evidence);
    }

    /// <summary>A run whose steps.csv has one spike with a λ_max drop (or, without <paramref name="lambda"/>, no λ_max column at all).</summary>
    private static RunOutcome RecordedRun(TempDirectory temp, int batch, int seed, bool lambda)
    {
        string label = $"b{batch}-seed{seed}";
        string dir = temp.Combine("runs", label);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "steps.csv"), "step,learning_rate,batch_loss,train_loss,test_loss" + (lambda ? ",lambda_max" : "") + "\n");
        var config = new RunConfig
        {
            RecordEvery = 10, CheckpointEvery = 500, Experiment = "batch-sweep", Label = label, Data = new DataSettings(), Network = NetworkDescription.Default,
            Training = RunConfig.TrainingFor(0.1, batch, 200, seed, 10), Seed = seed,
        };
        var summary = new RunSummary { Label = label, Outcome = "TargetLossReached", Steps = 60, WallSeconds = 1, Catapults = 1, Spikes = 1, TestLoss = batch / 100.0 };
        var losses = new[] { 1.0, 0.9, 0.8, 3.0, 0.6, 0.5 };
        var lambdas = new[] { 10.0, 10.0, 10.0, 10.0, 5.0, 5.0 };
        var rows = losses.Select((l, i) => new StepRow(i * 10, 0.1, null, l, 1.0, lambda ? new double?[] { lambdas[i] } : Array.Empty<double?>())).ToArray();
        return new RunOutcome(dir, config, summary, rows, Array.Empty<CatapultEvent>());
    }

    // Found by mutation testing (6 Dec 2026, round 16B): the clear-catapult verdict, added after the runs, is judged only
    // where every run recorded λ_max, not as soon as one did.
    [Test]
    public void TheClearCatapultTrendNeedsLambdaMaxInEveryRun()
    {
        using var temp = new TempDirectory();
        const string clear = "clear catapults (λ_max drop beyond its drift) increase as the batch size decreases; added after the runs";
        var all = new[] { RecordedRun(temp, N, 0, true), RecordedRun(temp, N, 1, true), RecordedRun(temp, 5, 0, true), RecordedRun(temp, 5, 1, true) };
        Assert.That(BatchSweepReport.Verdicts(all, hasAlignment: false).Select(v => v.Claim), Does.Contain(clear));
        var oneWithout = new[] { RecordedRun(temp, N, 0, true), RecordedRun(temp, N, 1, true), RecordedRun(temp, 5, 0, true), RecordedRun(temp, 5, 2, false) };
        Assert.That(BatchSweepReport.Verdicts(oneWithout, hasAlignment: false).Select(v => v.Claim), Is.EquivalentTo(new[]
        {
            "catapults increase as the batch size decreases", "test loss decreases as the batch size decreases",
        }));
    }

    /// <summary>
    /// A run of 60 records with a flat λ_max of 10 and a slowly falling loss; with <paramref name="spike"/> one spike
    /// (loss 0.97 → 3 → 0.5) halves λ_max at record 30, a drop far beyond the run's spike-free windows (all 0): a clear
    /// catapult. The summary's catapult count is <paramref name="catapults"/>, whatever the records show.
    /// </summary>
    private static RunOutcome DriftRun(TempDirectory temp, int batch, int seed, bool spike, int catapults, double alignment, bool diverged = false)
    {
        string label = $"b{batch}-seed{seed}";
        string dir = temp.Combine("runs", label);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "steps.csv"), "step,learning_rate,batch_loss,train_loss,test_loss,lambda_max\n");
        var config = new RunConfig
        {
            RecordEvery = 10, CheckpointEvery = 500, Experiment = "batch-sweep", Label = label, Data = new DataSettings(), Network = NetworkDescription.Default,
            Training = RunConfig.TrainingFor(0.1, batch, 600, seed, 10), Seed = seed,
        };
        var summary = new RunSummary
        {
            Label = label, Outcome = diverged ? "Diverged" : "BudgetReached", Steps = 600, WallSeconds = 1, Catapults = catapults, Spikes = catapults,
            AgopAlignment = diverged ? null : alignment, TestLoss = diverged ? null : 0.5,
        };
        var rows = Enumerable.Range(0, 60).Select(i =>
        {
            double loss = spike && i == 30 ? 3.0 : spike && i > 30 ? 0.5 - 0.001 * i : 1.0 - 0.001 * i;
            double lambda = spike && i > 30 ? 5.0 : 10.0;
            return new StepRow(i * 10, 0.1, null, loss, 1.0, new double?[] { lambda });
        }).ToArray();
        return new RunOutcome(dir, config, summary, rows, Array.Empty<CatapultEvent>());
    }

    // Found by mutation testing (7 Dec 2026, round 21B): the clear-catapult trend claims an increase as the batch size
    // shrinks and leaves diverged runs out; its correlation reads the clear catapults, not all of them; and the evidence
    // gives r with its sign.
    [Test]
    public void TheClearCatapultVerdictsReadTheClearCatapultsOfTheFinishedRuns()
    {
        using var temp = new TempDirectory();
        // GD: no spike, though its summaries claim 5 catapults each; b = 5: one clear catapult, summaries claim 1; and a
        // diverged b = 5 run without one. Alignment 0.8, 0.85 (GD) and 0.9, 0.95 (b = 5).
        var runs = new[]
        {
            DriftRun(temp, N, 0, spike: false, catapults: 5, alignment: 0.8), DriftRun(temp, N, 1, spike: false, catapults: 5, alignment: 0.85),
            DriftRun(temp, 5, 0, spike: true, catapults: 1, alignment: 0.9), DriftRun(temp, 5, 1, spike: true, catapults: 1, alignment: 0.95),
            DriftRun(temp, 5, 2, spike: false, catapults: 0, alignment: 0, diverged: true),
        };
        Assert.That(runs[2].SharpnessDrift(), Is.EqualTo((1, 0, (double?)50.0)), "the planted spike is one clear catapult");
        var verdicts = BatchSweepReport.Verdicts(runs, hasAlignment: true);

        var trend = verdicts.Single(v => v.Claim.StartsWith("clear catapults", StringComparison.Ordinal));
        Assert.That(trend.Outcome, Is.EqualTo(VerdictOutcome.Holds), trend.Evidence);
        Assert.That(trend.Evidence, Does.Contain($"b = {N}: 0.0 ± 0.0 → b = 5: 1.0 ± 0.0"));
        // Clear catapults (0, 0, 1, 1) against alignment: r = 0.1 / √(1 × 0.0125) = +0.89; the summaries' counts (5, 5, 1, 1) give −0.89.
        var clear = verdicts.Single(v => v.Claim.StartsWith("more clear catapults", StringComparison.Ordinal));
        Assert.That(clear.Evidence, Does.StartWith("r = 0.89 over 4 runs"));
        var all = verdicts.Single(v => v.Claim.StartsWith("more catapults", StringComparison.Ordinal));
        Assert.That(all.Evidence, Does.StartWith("r = -0.89 over 4 runs"));
        Assert.That(all.Outcome, Is.EqualTo(VerdictOutcome.Fails), all.Evidence);
    }

    // Found by mutation testing (7 Dec 2026, round 21B): a run whose value is not finite is left out of a correlation
    // and its count, as a missing one is.
    [Test]
    public void ACorrelationLeavesOutRunsWithValuesThatAreNotFinite()
    {
        var pairs = Enumerable.Range(0, 12).Select(i => ((double?)i, (double?)(0.5 + 0.04 * i + 0.01 * (i % 3))))
            .Append((double.NaN, 1.0)).Append((2.0, double.PositiveInfinity)).Append((null, 1.0)).ToList();
        var verdict = TrendVerdict.Correlation("positive", pairs, +1);
        Assert.That(verdict.Evidence, Does.Contain(" over 12 runs, "));
        Assert.That(verdict.Outcome, Is.EqualTo(VerdictOutcome.Holds), verdict.Evidence);
    }

    // Found by mutation testing (7 Dec 2026, round 31B): an r of the wrong sign never holds, even where the one-sided
    // permutation test alone would pass it. One run of 60 has x = 1, and its y of 0.9 lies below the mean (1.68) but
    // above every other y but one (100): r = −0.008, and only 2 of the 60 places for that y reach it, p ≈ 0.03.
    [Test]
    public void ACorrelationOfTheWrongSignNeverHolds()
    {
        var pairs = Enumerable.Range(0, 60).Select(i => ((double?)(i == 0 ? 1 : 0), (double?)(i == 0 ? 0.9 : i == 59 ? 100 : 0))).ToList();
        var verdict = TrendVerdict.Correlation("positive", pairs, +1);
        Assert.That(verdict.Evidence, Does.StartWith("r = -0.01 over 60 runs"));
        Assert.That(verdict.Outcome, Is.EqualTo(VerdictOutcome.Fails), verdict.Evidence);
    }
}
