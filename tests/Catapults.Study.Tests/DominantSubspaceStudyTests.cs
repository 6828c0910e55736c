using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.DominantSubspace;

namespace Catapults.Study.Tests;

/// <summary>The dominant-subspace study end to end through the CLI: per-seed rows, the outlier gap and one verdict per claim.</summary>
public sealed class DominantSubspaceStudyTests
{
    [TestCase("SGD")]
    [TestCase("SAM", "--sam-radius", "0.05")]
    [TestCase("GD", "--eos")]
    public void QuickRunReportsEverySeedAndAVerdictPerClaim(string name, params string[] regime)
    {
        using (var temp = new TempDirectory())
        {
            string output = temp.Combine("dominant");
            var args = new List<string> { "dominant-subspace", "--quick", "--seeds", "2", "--out", output };
            args.AddRange(regime);
            var (code, stdout, error) = StudyCli.Run(args.ToArray());
            Assert.That(code, Is.EqualTo(0), stdout + error);
            string report = File.ReadAllText(Path.Combine(output, "report.md"));
            Assert.That(report, Does.Match(@"\n\| 0 \| [^\n]*\n\| 1 \| [^\n]*\n\| mean ± sd \|"), "one row per seed and the mean ± sd");
            Assert.That(report, Does.Contain("λ_k / λ_k+1 at switch").And.Contain("λ_max / (2/η) at switch"));
            if (name == "GD")
            {
                Assert.That(report, Does.Contain("Edge of stability").And.Contain("standard parameterisation").And.Contain("at initialisation"));
                Assert.That(report, Does.Match(@"sharpness rose to the edge[^\n]*\*\*(met|not met)\*\*[^\n]*k outliers apart from the bulk[^\n]*\*\*(met|not met)\*\*"));
            }
            Assert.That(report, Does.Match($@"Dom-{name} stalls [^\n]*\*\*(holds|fails|not tested)\*\*"));
            Assert.That(report, Does.Match($@"Bulk-{name} keeps pace with {name} [^\n]*\*\*(holds|fails|not tested)\*\*"));
            var seeds = File.ReadAllLines(Path.Combine(output, "losses.csv")).Skip(1).Select(l => l.Split(',')[0]).Distinct().ToList();
            Assert.That(seeds, Is.EqualTo(new[] { "0", "1" }));
            foreach (var png in new[] { "loss.png", "alignment.png", "sharpness.png" })
                Assert.That(File.ReadAllBytes(Path.Combine(output, png)).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }), png);
        }
    }

    [Test]
    public void EdgeOfStabilityStartsGdAfterTheSgdStepsAtTheRateTheirSharpnessGives()
    {
        var settings = DominantSubspaceSettings.QuickEos with { Parameterization = ML.Models.Parameterization.Ntk, SgdWarmUpSteps = 20, WarmUpSteps = 10, Steps = 5, Samples = 64 };
        var r = DominantSubspaceStudy.Run(settings);
        Assert.That(r.SgdWarmUp, Is.Not.Null);
        Assert.That(r.SgdWarmUp!.Losses.Select(p => p.Step), Is.EqualTo(Enumerable.Range(0, 20)), "the SGD steps come first");
        Assert.That(r.WarmUp.Losses.Select(p => p.Step), Is.EqualTo(Enumerable.Range(20, 10)), "then the GD warm-up");
        Assert.That(r.Arms.Select(a => a.Losses[0].Step), Is.All.EqualTo(30), "every arm starts at the switch");
        Assert.That(r.Arms.Select(a => a.Name), Is.EqualTo(new[] { "GD", "Dom-GD", "Bulk-GD" }));
        // GD's rate is set from the sharpness after the SGD steps, not the SGD rate.
        Assert.That(r.GdStartSharpness, Is.GreaterThan(0));
        Assert.That(r.Settings.LearningRate * r.GdStartSharpness!.Value, Is.EqualTo(settings.EdgeOfStabilityFactor).Within(1e-9));
        Assert.That(r.Settings.LearningRate, Is.Not.EqualTo(settings.SgdLearningRate));
        Assert.That(r.SwitchEigenvalues, Has.Count.EqualTo(settings.EffectiveRank + 1));
    }

    // A GD arm whose sharpness sits at 0.96 of 2/η with a gap of 12 (the shape of a run that started above the edge and
    // settled just under it): the edge precondition turns on whether GD still oscillates along the top eigenvectors.
    [TestCase(2e-5, "not met", TestName = "GD that converged its top directions is not at the edge")]
    [TestCase(0.4, "met", TestName = "GD that still oscillates along its top directions is at the edge")]
    public void EdgeOfStabilityPreconditionNeedsGdToKeepOscillatingAlongTheTopEigenvectors(double alignment, string expected)
    {
        var settings = DominantSubspaceSettings.Eos with { LearningRate = 0.5, Steps = 10, Seeds = 1 };
        double atEdge = 0.96 * 2 / settings.LearningRate;
        var top = Enumerable.Range(0, 10).Select(i => atEdge - 0.01 * i).ToArray();
        var eigenvalues = top.Append(top[^1] / 12).ToArray();
        var records = new[] { 0, 5, 10 }.Select(step => new ML.Probes.SubspaceAlignmentRecord(step, step == 10, 0.1, alignment, eigenvalues, 20)).ToList();
        var losses = Enumerable.Range(0, 10).Select(step => (step, 0.1 - 0.001 * step)).ToList();
        ArmResult Arm(string name) => new(name, losses, records, ML.Training.TrainingOutcome.BudgetReached, 0.09, 0, 0);
        var warmUp = Arm("warm-up") with { Alignment = records.Select(r => r with { Eigenvalues = eigenvalues.Select(v => v * 1.05 / 0.96).ToArray() }).ToList() };
        var result = new StudyResult(settings, "test", 100, warmUp, 0.1, eigenvalues, new[] { Arm("GD"), Arm("Dom-GD"), Arm("Bulk-GD") }, TimeSpan.FromSeconds(1));

        string report = DominantSubspaceCommand.Report(new[] { result });

        Assert.That(report, Does.Match($@"sharpness rose to the edge[^\n]*: \*\*{expected}\*\* \(over the seeds: largest 1\.05, mean 0\.96[0-9]*, χ_k [^)]*\); and k outliers apart from the bulk[^\n]*\*\*met\*\* \(12"));
        // Outside the paper's regime the runs do not test its claims: neither verdict may read as evidence. Inside it,
        // Dom-GD, which here gains as much as GD (0.92 of the switch loss), fails, and Bulk-GD, level with GD, holds.
        bool met = expected == "met";
        Assert.That(report, Does.Contain($"Dom-GD stalls (late loss at least 0.95 × the loss at the switch): **{(met ? "fails" : "not tested")}**"));
        Assert.That(report, Does.Contain($"Bulk-GD keeps pace with GD (late loss at most 1.05 × GD's): **{(met ? "holds" : "not tested")}**"));

        // Every seed must meet the preconditions: a second seed with a gap of 1.5 fails the gap, though the mean over
        // the two (6.75) would pass.
        var narrow = eigenvalues.Take(10).Append(eigenvalues[9] / 1.5).ToArray();
        var second = result with { Settings = settings with { Seed = 1 }, SwitchEigenvalues = narrow };
        Assert.That(second.OutlierGap, Is.EqualTo(1.5).Within(1e-12));
        string two = DominantSubspaceCommand.Report(new[] { result, second });
        Assert.That(two, Does.Match(@"and k outliers apart from the bulk[^\n]*\*\*not met\*\* \(1\.5–12\)"));
    }

    [Test]
    public void ReportNamesTheSeedsThatBreakAClaimAloneAndHowTheBaseArmsGainPredictsThem()
    {
        // Three seeds with constant losses, so each arm's late loss is known: the base arm ends at 0.90, 0.80 and 0.70
        // of the switch loss 1, Dom-SGD at 1.00, 0.97 and 0.85, and Bulk-SGD at 1.00, 1.02 and 1.10 × SGD's.
        double[] baseLate = { 0.90, 0.80, 0.70 }, domLate = { 1.00, 0.97, 0.85 }, bulkOverBase = { 1.00, 1.02, 1.10 };
        var settings = new DominantSubspaceSettings { Seeds = 3 };
        ArmResult Arm(string name, double loss) =>
            new(name, Enumerable.Range(0, 10).Select(step => (step, loss)).ToList(), Array.Empty<ML.Probes.SubspaceAlignmentRecord>(), ML.Training.TrainingOutcome.BudgetReached, loss, 0, 0);
        var results = Enumerable.Range(0, 3).Select(i => new StudyResult(settings with { Seed = i }, "test", 100, Arm("warm-up", 1), 1.0,
            new[] { 3.0, 0.3 }, new[] { Arm("SGD", baseLate[i]), Arm("Dom-SGD", domLate[i]), Arm("Bulk-SGD", baseLate[i] * bulkOverBase[i]) }, TimeSpan.FromSeconds(1))).ToList();

        string report = DominantSubspaceCommand.Report(results);

        Assert.That(report, Does.Contain("Dom-SGD stalls").And.Contain("outside it on their own: seed 2 (0.85)"));
        Assert.That(report, Does.Contain("outside it on their own: seed 2 (1.1)"));
        // Pearson r by hand: base (0.9, 0.8, 0.7) against Dom (1, 0.97, 0.85) is 0.015/√(0.02·0.0126) = 0.945, against Bulk
        // (1, 1.02, 1.1) −0.0100/√(0.02·0.0056) = −0.945.
        Assert.That(report, Does.Contain("Dom-SGD's: +0.94; and Bulk-SGD's late / SGD's late: −0.94"));

        var inside = DominantSubspaceCommand.Report(results.Take(2).ToList());
        Assert.That(inside, Does.Contain("every seed is inside the tolerance on its own").And.Not.Contain("Pearson"));
    }

    // Where the base optimiser itself gains less than the tolerance after the switch, a stalled Dom arm and a level Bulk
    // arm are what any arm would show: the claims are not tested, not confirmed.
    [Test]
    public void ClaimsAreNotTestedWhenTheBaseOptimiserNoLongerReducesTheLoss()
    {
        var settings = new DominantSubspaceSettings { Seeds = 2 };
        ArmResult Arm(string name, double loss) =>
            new(name, Enumerable.Range(0, 10).Select(step => (step, loss)).ToList(), Array.Empty<ML.Probes.SubspaceAlignmentRecord>(), ML.Training.TrainingOutcome.BudgetReached, loss, 0, 0);
        var results = Enumerable.Range(0, 2).Select(i => new StudyResult(settings with { Seed = i }, "test", 100, Arm("warm-up", 1), 1.0,
            new[] { 3.0, 0.3 }, new[] { Arm("SGD", 0.99), Arm("Dom-SGD", 1.0), Arm("Bulk-SGD", 0.99) }, TimeSpan.FromSeconds(1))).ToList();

        string report = DominantSubspaceCommand.Report(results);

        Assert.That(report, Does.Contain("so neither claim is tested: 0.99 ± 0 of the loss at the switch"));
        Assert.That(report, Does.Contain("Dom-SGD stalls (late loss at least 0.95 × the loss at the switch): **not tested**"));
        Assert.That(report, Does.Contain("Bulk-SGD keeps pace with SGD (late loss at most 1.05 × SGD's): **not tested**"));
    }

    // Found by the review of 5 Dec 2026: the mean over the seeds left a diverged arm out, and one remaining seed (sd 0)
    // made the claim hold.
    [Test]
    public void AClaimWithADivergedArmIsNotDecidedOverTheOtherSeeds()
    {
        var settings = new DominantSubspaceSettings { Seeds = 2, Rank = 2, Classes = 4 };
        ArmResult Arm(string name, double loss, bool diverged = false) =>
            new(name, Enumerable.Range(0, 10).Select(step => (step, loss)).ToList(), Array.Empty<ML.Probes.SubspaceAlignmentRecord>(),
                diverged ? ML.Training.TrainingOutcome.Diverged : ML.Training.TrainingOutcome.BudgetReached, diverged ? null : loss, 0, 0);
        var results = Enumerable.Range(0, 2).Select(i => new StudyResult(settings with { Seed = i }, "test", 100, Arm("warm-up", 1), 1.0,
            new[] { 3.0, 2.9, 0.3 }, new[] { Arm("SGD", 0.5), Arm("Dom-SGD", 1.0), Arm("Bulk-SGD", 0.5, diverged: i == 1) }, TimeSpan.FromSeconds(1))).ToList();

        string report = DominantSubspaceCommand.Report(results);

        Assert.That(report, Does.Contain("Bulk-SGD keeps pace with SGD (late loss at most 1.05 × SGD's): **not tested**"));
        Assert.That(report, Does.Contain("not decided over every seed: no late loss, the arm diverged, at seed 1"));
        Assert.That(report, Does.Contain("Dom-SGD stalls (late loss at least 0.95 × the loss at the switch): **holds**"));
        Assert.That(report, Does.Contain("k = 2 (--rank; 4 classes)"));
    }

    [Test]
    public void SeedsRunOnEveryCoreByDefaultWithTheResultsOfOneProcess()
    {
        using (var temp = new TempDirectory())
        {
            string parallel = temp.Combine("dominant-jobs");
            string serial = parallel + "-serial";
            var (code, stdout, error) = StudyCli.Run("dominant-subspace", "--quick", "--seeds", "2", "--out", parallel);
            Assert.That(code, Is.EqualTo(0), stdout + error);
            (code, stdout, error) = StudyCli.Run("dominant-subspace", "--quick", "--seeds", "2", "--jobs", "1", "--out", serial);
            Assert.That(code, Is.EqualTo(0), stdout + error);
            Assert.That(Directory.Exists(Path.Combine(parallel, "logs")), Is.EqualTo(Environment.ProcessorCount > 1), "a process per seed where there are cores for it");
            Assert.That(Directory.Exists(Path.Combine(serial, "logs")), Is.False);
            foreach (var file in new[] { "losses.csv", "alignment.csv" })
                Assert.That(File.ReadAllText(Path.Combine(parallel, file)), Is.EqualTo(File.ReadAllText(Path.Combine(serial, file))), file);

            // A seed's result copied over another's reads well, but is not that cell's: merge names it, a rerun redoes it.
            string seed1 = Path.Combine(serial, "runs", "seed1", "result.json");
            File.Copy(Path.Combine(serial, "runs", "seed0", "result.json"), seed1, overwrite: true);
            var merge = StudyCli.Run("merge", "--plan", serial);
            Assert.That(merge.ExitCode, Is.EqualTo(2), merge.Out + merge.Error);
            Assert.That(merge.Out + merge.Error, Does.Contain($"{seed1} holds seed 0's result, not seed 1's"));
            (code, stdout, error) = StudyCli.Run("dominant-subspace", "--quick", "--seeds", "2", "--jobs", "1", "--out", serial);
            Assert.That(code, Is.EqualTo(0), stdout + error);
            Assert.That(File.ReadAllText(Path.Combine(serial, "losses.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(parallel, "losses.csv"))));

            // Nor is a result of a plan with other options, here another rate: its numbers would stand under this plan's settings.
            string intact = File.ReadAllText(seed1);
            var foreign = System.Text.Json.Nodes.JsonNode.Parse(intact)!;
            foreign["settings"]!["learningRate"] = 0.3;
            File.WriteAllText(seed1, foreign.ToJsonString());
            merge = StudyCli.Run("merge", "--plan", serial);
            Assert.That(merge.ExitCode, Is.EqualTo(2), merge.Out + merge.Error);
            Assert.That(merge.Out + merge.Error, Does.Contain($"{seed1} was written with other settings than this cell's (learningRate differ)"));
            File.WriteAllText(seed1, intact);
            Assert.That(StudyCli.Run("merge", "--plan", serial).ExitCode, Is.EqualTo(0));

            // A loss edited to a value no run writes (result.json has no checksum) is not merged either.
            var edited = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(seed1))!;
            var point = edited["arms"]![1]!["losses"]![3]!;
            point["item2"] = -5.0;
            File.WriteAllText(seed1, edited.ToJsonString());
            merge = StudyCli.Run("merge", "--plan", serial);
            Assert.That(merge.ExitCode, Is.EqualTo(2), merge.Out + merge.Error);
            Assert.That(merge.Out + merge.Error, Does.Contain($"{seed1}: 'Dom-SGD' has the loss -5 at step {point["item1"]}, not a finite loss ≥ 0"));

            // A seed whose warm-up diverges in its own process still ends the command with that one line.
            var refused = StudyCli.Run("dominant-subspace", "--quick", "--seeds", "2", "--learning-rate", "100", "--out", parallel + "-refused");
            CliAssert.OneLineError(refused, "diverged", "--learning-rate");
        }
    }

    // Found by mutation testing (round 27C): with mini-batches the arms were free to log their batch losses, which the
    // late loss, a mean of full training losses, would then read as noise.
    [Test]
    public void MiniBatchArmsLogTheFullTrainingLoss()
    {
        var r = DominantSubspaceStudy.Run(DominantSubspaceSettings.Quick with { Samples = 64, WarmUpSteps = 3, Steps = 2 });
        // Each arm's first loss is taken at the switch weights before its first update: the loss at the switch over every sample.
        Assert.That(r.Arms.Select(a => a.Losses[0].Loss), Is.All.EqualTo(r.LossAtSwitch).Within(1e-4 * r.LossAtSwitch));
    }

    [Test]
    public void MeanFieldNetworkIsBuiltAndNamed()
    {
        // The mean-field readout is divided by its width, so at initialisation the output biases' curvature 2 (one
        // direction per class) stands far above the weights' part: the top-k eigenvalues sit at 2, the next far below.
        var settings = DominantSubspaceSettings.QuickEos with { Parameterization = ML.Models.Parameterization.MeanField, WarmUpSteps = 0, Steps = 1, Samples = 64 };
        var r = DominantSubspaceStudy.Run(settings);
        Assert.That(settings.ParameterizationName, Is.EqualTo("mean-field"));
        Assert.That(r.SwitchEigenvalues.Take(settings.EffectiveRank), Is.All.InRange(1.9, 2.3));
        Assert.That(r.OutlierGap, Is.GreaterThan(10));

        // Without biases the curvature 2 of L = 1/n Σ‖f − y‖² in each output bias is gone, and so are those outliers.
        var withoutBias = DominantSubspaceStudy.Run(settings with { UseBias = false });
        Assert.That(withoutBias.SwitchEigenvalues[0], Is.LessThan(0.5));
        Assert.That(withoutBias.ParameterCount, Is.EqualTo(r.ParameterCount - 2 * settings.Width - settings.Classes));
    }

    [Test]
    public void ClusterScaleSetsTheSpreadOfTheClassCentres()
    {
        // Same seed, so the same standard-normal centres and noise: the class means scale with s, the noise does not.
        double MeanCentreSpread(double scale)
        {
            var (data, description) = DominantSubspaceStudy.LoadData(new DominantSubspaceSettings { ClusterScale = scale, Samples = 2048 });
            using var _ = data;
            Assert.That(description, Does.Contain($"N(0, {scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}²·I)"));
            using var scope = TorchSharp.torch.NewDisposeScope();
            var labels = data.Targets.argmax(1);
            var means = TorchSharp.torch.stack(Enumerable.Range(0, 10)
                .Select(c => data.Features.index_select(0, labels.eq(c).nonzero().squeeze(1)).mean(new long[] { 0 })).ToArray());
            double spread = (means - means.mean(new long[] { 0 })).pow(2).sum().item<float>() / 10;
            return spread;
        }
        // The between-class spread is about d·s² (d = 32): 72 at s = 1.5, 8 at s = 0.5, plus a small noise term.
        double wide = MeanCentreSpread(1.5), narrow = MeanCentreSpread(0.5);
        Assert.That(wide / narrow, Is.InRange(6.0, 9.5), $"spread {wide} against {narrow}");
    }

    [Test]
    public void InputOffsetMovesEveryCoordinateByItsStandardDeviations()
    {
        // Same seed, so the same centres and noise: the uncentred inputs are the centred ones plus c·√(1 + s²) everywhere.
        var centred = new DominantSubspaceSettings { ClusterScale = 0.5 };
        var (plain, _) = DominantSubspaceStudy.LoadData(centred);
        var (shifted, description) = DominantSubspaceStudy.LoadData(centred with { InputOffset = 1.9 });
        using (plain)
        using (shifted)
        {
            Assert.That(description, Does.Contain("mean 1.9 sd in every coordinate"));
            using var scope = TorchSharp.torch.NewDisposeScope();
            var difference = shifted.Features - plain.Features;
            Assert.That(difference.min().item<float>(), Is.EqualTo(1.9 * Math.Sqrt(1.25)).Within(1e-5));
            Assert.That(difference.max().item<float>(), Is.EqualTo(1.9 * Math.Sqrt(1.25)).Within(1e-5));
            Assert.That(shifted.Targets.equal(plain.Targets).all().item<bool>(), Is.True);
        }
    }

    [Test]
    public void CentredPlansRecordNoOffsetSoRunFoldersFromBeforeTheOptionStillResume()
    {
        // A plan is compared field by field when a run resumes: the offset is written only where it is not 0, and its
        // derived standard deviation never, so a centred run's plan is the one the build before the option wrote.
        using var temp = new TempDirectory();
        foreach (var (name, args, expected) in new[] { ("centred", new[] { "--quick" }, (string?)null), ("eos", new[] { "--quick", "--eos" }, "\"inputOffset\":1.9") })
        {
            string folder = temp.Combine(name);
            var (code, stdout, error) = StudyCli.Run(new[] { "plan", "dominant-subspace", "--out", folder }.Concat(args).ToArray());
            Assert.That(code, Is.EqualTo(0), stdout + error);
            string plan = File.ReadAllText(Path.Combine(folder, "plan.json"));
            Assert.That(plan, Does.Not.Contain("inputStandardDeviation"));
            if (expected is null) Assert.That(plan, Does.Not.Contain("inputOffset"));
            else Assert.That(plan, Does.Contain(expected));
        }
    }

    [Test]
    public void UncentredInputsGiveTheStandardNetworkOneHessianOutlierPerOutputAtTheEdge()
    {
        // The edge-of-stability preset's data on the quick sizes: after GD, the top-k eigenvalues stand apart from the
        // (k+1)-th; the same run on centred inputs has no such gap (the outputs' gradients then share no large mean).
        var settings = DominantSubspaceSettings.QuickEos with { Steps = 1 };
        var uncentred = DominantSubspaceStudy.Run(settings);
        var centred = DominantSubspaceStudy.Run(settings with { InputOffset = 0 });
        Assert.That(uncentred.OutlierGap, Is.GreaterThan(DominantSubspaceCommand.MinimumGap), string.Join(", ", uncentred.SwitchEigenvalues));
        Assert.That(centred.OutlierGap, Is.LessThan(1.5), string.Join(", ", centred.SwitchEigenvalues));
    }

    [TestCase(new[] { "--sgd-warm-up-steps", "5" }, "--sgd-warm-up-steps", TestName = "SGD steps before GD without --eos")]
    [TestCase(new[] { "--eos", "--sgd-warm-up-steps", "-1" }, "--sgd-warm-up-steps", TestName = "Negative SGD steps before GD")]
    [TestCase(new[] { "--eos", "--sgd-warm-up-rate", "0" }, "--sgd-warm-up-rate", TestName = "Zero SGD rate before GD")]
    [TestCase(new[] { "--eos", "--sgd-warm-up-batch", "0" }, "--sgd-warm-up-batch", TestName = "Zero SGD batch before GD")]
    [TestCase(new[] { "--parameterization", "mup" }, "--parameterization", TestName = "Unknown dominant-subspace parameterisation")]
    [TestCase(new[] { "--activation", "gelu" }, "--activation", TestName = "Unknown dominant-subspace activation")]
    [TestCase(new[] { "--eos", "--sgd-warm-up-steps", "20", "--sgd-warm-up-rate", "1000" }, "the SGD steps before GD diverged at η = 1000 (seed 0); lower --sgd-warm-up-rate", TestName = "SGD steps before GD that diverge")]
    [TestCase(new[] { "--eos", "--eos-factor", "4" }, "--eos-factor", TestName = "An edge-of-stability factor of 4")]
    [TestCase(new[] { "--eos-factor", "2.1" }, "--eos-factor applies only with --eos", TestName = "An edge-of-stability factor without --eos")]
    [TestCase(new[] { "--sgd-warm-up-rate", "3" }, "--sgd-warm-up-rate and --sgd-warm-up-batch apply only with --eos", TestName = "An SGD rate before GD without --eos")]
    [TestCase(new[] { "--sgd-warm-up-batch", "7" }, "--sgd-warm-up-rate and --sgd-warm-up-batch apply only with --eos", TestName = "An SGD batch before GD without --eos")]
    [TestCase(new[] { "--cluster-scale", "0" }, "--cluster-scale", TestName = "Zero cluster scale")]
    [TestCase(new[] { "--input-offset", "1e7" }, "--input-offset", TestName = "An input offset beyond a million standard deviations")]
    [TestCase(new[] { "--input-offset", "NaN" }, "--input-offset", TestName = "An input offset that is not a number")]
    [TestCase(new[] { "--dataset", "cifar10", "--data-root", "/nonexistent", "--input-offset", "1" }, "--input-offset shifts the synthetic inputs", TestName = "An input offset with an image dataset")]
    [TestCase(new[] { "--dataset", "mnist" }, "--dataset", TestName = "Unknown dominant-subspace dataset")]
    public void BadEdgeOfStabilityOptionsGiveOneLineNamingTheOption(string[] options, string mentioned)
    {
        using var temp = new TempDirectory();
        var args = new[] { "dominant-subspace", "--quick", "--out", temp.Combine("dominant-bad") }.Concat(options).ToArray();
        var (code, _, error) = StudyCli.Run(args);
        Assert.That(code, Is.EqualTo(2), error);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain(mentioned));
    }

    [Test]
    public void DamagedImagesAreRefusedBeforeThePlanIsWritten()
    {
        // The images used to be read first by each cell, after plan.json was written: every cell then failed alike.
        using var temp = new TempDirectory();
        string root = temp.Combine("data");
        string train = Path.Combine(root, ML.Data.Images.SvhnReader.FolderName, "train_32x32.mat");
        ML.Tests.Data.Fixtures.DatasetFixtures.WriteSvhn(train, 40, compressed: false);
        var bytes = File.ReadAllBytes(train);
        File.WriteAllBytes(train, bytes[..(bytes.Length / 2)]);
        string output = temp.Combine("dominant-damaged");
        CliAssert.OneLineError(StudyCli.Run("dominant-subspace", "--quick", "--dataset", "svhn", "--data-root", root, "--out", output), train);
        Assert.That(File.Exists(Path.Combine(output, "plan.json")), Is.False, "no plan was written");
    }
}
