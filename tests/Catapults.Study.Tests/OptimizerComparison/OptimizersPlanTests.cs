using System.Globalization;
using System.Text.Json;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.OptimizerComparison;

/// <summary>
/// The optimizers plan's grid (nothing trains): SGD at 0.3 and 0.9 of η_crit(GD, init), momentum at a tenth of those,
/// Adam and RMSprop at 3e-4 and 1e-3, Adagrad at 1e-2 and 3e-2, each labelled by optimiser, rate and seed; the defaults;
/// and a step budget of one step at least. Found by mutation testing (round 17B).
/// </summary>
public sealed class OptimizersPlanTests
{
    private static JsonElement Plan(TempDirectory temp, string name, params string[] options) =>
        StudyCli.Plan("optimizers", temp.Combine(name), new[] { "--n-train", "60", "--n-test", "8", "--width", "8" }.Concat(options).ToArray());

    [Test]
    public void TheGridHoldsEachOptimisersTwoRates()
    {
        using var temp = new TempDirectory();
        var plan = Plan(temp, "grid", "--seeds", "1");
        double critical = plan.GetProperty("settings").GetProperty("criticalRate").GetDouble();
        var cells = plan.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("configuration"))
            .Select(c => (Label: c.GetProperty("label").GetString()!, Optimizer: c.GetProperty("training").GetProperty("optimizer").GetString()!,
                Rate: c.GetProperty("training").GetProperty("learningRate").GetDouble())).ToList();
        var expected = new (string Optimizer, double Rate)[]
        {
            ("Sgd", 0.3 * critical), ("Sgd", 0.9 * critical), ("Momentum", 0.03 * critical), ("Momentum", 0.09 * critical),
            ("Adam", 3e-4), ("Adam", 1e-3), ("RmsProp", 3e-4), ("RmsProp", 1e-3), ("Adagrad", 1e-2), ("Adagrad", 3e-2),
        };
        Assert.That(cells.Select(c => c.Optimizer), Is.EqualTo(expected.Select(e => e.Optimizer)));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(cells[i].Rate, Is.EqualTo(expected[i].Rate).Within(1e-12 * expected[i].Rate), cells[i].Label);
            Assert.That(cells[i].Label, Is.EqualTo(
                $"{expected[i].Optimizer.ToLowerInvariant()}-lr{expected[i].Rate.ToString("G3", CultureInfo.InvariantCulture)}-seed0"));
        }
    }

    [Test]
    public void ThePlanHoldsTheDocumentedDefaults()
    {
        using var temp = new TempDirectory();
        var plan = Plan(temp, "default");
        var cells = plan.GetProperty("cells");
        Assert.That(cells.GetArrayLength(), Is.EqualTo(10 * 2), "two seeds by default");
        var config = cells[0].GetProperty("configuration");
        Assert.Multiple(() =>
        {
            Assert.That(config.GetProperty("training").GetProperty("batchSize").GetInt32(), Is.EqualTo(50));
            Assert.That(config.GetProperty("training").GetProperty("maxSteps").GetInt32(), Is.EqualTo(1500));
            Assert.That(config.GetProperty("recordEvery").GetInt32(), Is.EqualTo(25));
            Assert.That(config.GetProperty("checkpointEvery").GetInt32(), Is.EqualTo(500), "20 records (mutation round 22B)");
        });
        var quick = Plan(temp, "quick", "--quick");
        Assert.That(quick.GetProperty("cells").GetArrayLength(), Is.EqualTo(10), "one seed when quick");
        Assert.That(quick.GetProperty("cells")[0].GetProperty("configuration").GetProperty("training").GetProperty("maxSteps").GetInt32(), Is.EqualTo(300));
    }

    [Test]
    public void NoStepsAreRefusedInOneLine()
    {
        using var temp = new TempDirectory();
        string line = CliAssert.OneLineError(StudyCli.Run("optimizers", "--steps", "0", "--out", temp.Combine("out")));
        Assert.That(line, Is.EqualTo("error: --steps must be at least 1, got 0."));
    }

    // The SGD and momentum rates are fractions of η_crit(GD) of the seed-0 network at initialisation, as its settings say,
    // not of another seed's (mutation round 22B).
    [Test]
    public void TheCriticalRateIsTheSeedZeroNetworksAtInitialisation()
    {
        using var temp = new TempDirectory();
        var plan = Plan(temp, "critical", "--seeds", "2");
        double settings = plan.GetProperty("settings").GetProperty("criticalRate").GetDouble();
        double Critical(int index)
        {
            string path = temp.Combine($"config{index}.json");
            File.WriteAllText(path, plan.GetProperty("cells")[index].GetProperty("configuration").GetRawText());
            var config = StudyJson.Read<RunConfig>(path);
            using var data = StudyData.Load(config.Data);
            using var model = RunExecutor.CreateModel(config, data);
            return CriticalLearningRate.Compute(model, data.Train.Features).Value;
        }
        // Cells 0 and 1 are SGD's first rate at seeds 0 and 1.
        double seed0 = Critical(0), seed1 = Critical(1);
        Assert.That(Math.Abs(seed0 - seed1), Is.GreaterThan(1e-6 * seed0), "the seeds' networks differ");
        Assert.That(settings, Is.EqualTo(seed0).Within(1e-9 * seed0));
    }

    // Found by mutation testing (round 27C): the quick preset's data and width were free to change.
    [Test]
    public void TheQuickPlanTrainsOnTheQuickSizes()
    {
        using var temp = new TempDirectory();
        var config = StudyCli.Plan("optimizers", temp.Combine("quick"), "--quick").GetProperty("cells")[0].GetProperty("configuration");
        Assert.Multiple(() =>
        {
            Assert.That(config.GetProperty("data").GetProperty("trainCount").GetInt32(), Is.EqualTo(500));
            Assert.That(config.GetProperty("data").GetProperty("testCount").GetInt32(), Is.EqualTo(500));
            Assert.That(config.GetProperty("network").GetProperty("width").GetInt32(), Is.EqualTo(CommonOptions.QuickWidth));
        });
    }
}
