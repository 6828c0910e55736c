using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.BatchSweep;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// BatchSweepCommand.Plan: the one η is placed by the critical rates of the seed-0 network at initialisation, with the
/// full batch always surveyed, and every cell carries it; a fixed rate needs no mini-batch to place it, and "gd" is
/// read in any case. Found by mutation testing (7 Dec 2026, round 31B).
/// </summary>
public sealed class BatchSweepCommandTests
{
    [Test]
    public void TheRateIsPlacedByTheSeed0NetworkWithTheFullBatchSurveyedAndEveryCellCarriesIt()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var data = new DataSettings { Dataset = "rank2", TrainCount = 60, TestCount = 20 };
        var network = new NetworkDescription { Architecture = "fcn-2", Width = 16, UseBias = false };
        // GD is not in the sweep and there are two seeds: the full batch is surveyed anyway, on the seed-0 network.
        var settings = BatchSweepSettings.Quick with { TrainCount = 60, TestCount = 20, BatchSizes = new[] { 5 }, Seeds = 2, ProbeCount = 8 };
        var plan = BatchSweepCommand.Plan(settings, data, network, fixedRate: null, threads: 1);
        var rate = plan.SettingsAs<BatchSweepCommand.PlanSettings>().Rate;
        var configs = plan.Cells.Select(CellPlan.ConfigurationOf<RunConfig>).ToList();

        using var loaded = StudyData.Load(data);
        using var model = RunExecutor.CreateModel(configs[0], loaded);
        var seed0 = BatchCriticalRates.Measure(model, loaded.Train, 5, 0);
        Assert.Multiple(() =>
        {
            Assert.That(configs.Select(c => c.Label), Is.EqualTo(new[] { "b5-seed0", "b5-seed1" }));
            Assert.That(configs.Select(c => c.Training.LearningRate), Is.All.EqualTo(rate.LearningRate), "every cell runs at the one η");
            Assert.That(rate.Surveys.Select(s => s.BatchSize), Is.EqualTo(new[] { 60, 5 }));
            Assert.That(rate.Surveys[1].Rates, Has.Count.EqualTo(12), "one rate per batch of the first epoch, 60 / 5");
            Assert.That(rate.GdCriticalRate, Is.EqualTo(rate.Surveys[0].Rates.Single()), "η_crit(GD) is the full batch's rate, not a mini-batch's");
            Assert.That(rate.Surveys[1].Rates, Is.EqualTo(seed0.Rates).Within(1e-9).Percent, "the seed-0 network at initialisation, in seed 0's batch order");
        });
    }

    [Test]
    public void AFixedRateNeedsNoMiniBatchAndGdIsReadInAnyCase()
    {
        using var temp = new TempDirectory();
        var plan = StudyCli.Plan("batch-sweep", temp.Combine("plan"), "--quick", "--n-train", "40", "--n-test", "8", "--width", "16", "--seeds", "1",
            "--batch-sizes", "GD", "--learning-rate", "0.125");
        var cells = plan.GetProperty("cells");
        Assert.That(cells.GetArrayLength(), Is.EqualTo(1));
        Assert.That(cells[0].GetProperty("label").GetString(), Is.EqualTo("gd-seed0"));
        Assert.That(cells[0].GetProperty("configuration").GetProperty("training").GetProperty("learningRate").GetDouble(), Is.EqualTo(0.125));
    }
}
