using System.Text.Json;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.GdCatapults;

/// <summary>
/// gd-catapults' options at the edges of their ranges, each refusal one line naming the option and the value, and the
/// plan its defaults write (plan only: nothing trains). Found by mutation testing (round 17B): the refusals at the
/// edges, the defaults and the starting rate's fraction were each free to change.
/// </summary>
public sealed class GdCatapultsPlanTests
{
    private static readonly string[] Tiny = { "--n-train", "16", "--n-test", "8", "--width", "8" };

    [TestCase(new[] { "--raises", "0" }, "--raises must be at least 1, got 0.", TestName = "gd-catapults needs one raise at least")]
    [TestCase(new[] { "--phase-steps", "1" }, "--phase-steps must be at least 2, got 1.", TestName = "gd-catapults needs phases of two steps at least")]
    [TestCase(new[] { "--raise-factor", "1" }, "--raise-factor must be above 1, got 1.", TestName = "gd-catapults refuses a raise to eta_crit itself")]
    [TestCase(new[] { "--initial-fraction", "1" }, "--initial-fraction must be below 1 (the rate starts below η_crit), got 1.", TestName = "gd-catapults refuses a start at eta_crit itself")]
    // 600000000 × 3 fits an int, × 4 does not: the budget counts the raises and two more phases.
    [TestCase(new[] { "--phase-steps", "600000000" }, "--phase-steps 600000000 × (--raises 2 + 2) steps is more than a run can count (2147483647).", TestName = "gd-catapults counts two phases beyond the raises in its budget")]
    public void AnOptionOutsideItsRangeIsRefusedInOneLine(string[] options, string message)
    {
        using var temp = new TempDirectory();
        string line = CliAssert.OneLineError(StudyCli.Run(new[] { "gd-catapults" }.Concat(options).Concat(new[] { "--out", temp.Combine("out") }).ToArray()));
        Assert.That(line, Is.EqualTo("error: " + message));
    }

    private static JsonElement Plan(TempDirectory temp, string name, params string[] options) =>
        StudyCli.Plan("gd-catapults", temp.Combine(name), Tiny.Concat(options).ToArray());

    [Test]
    public void OneRaiseWithPhasesOfTwoStepsIsPlanned()
    {
        using var temp = new TempDirectory();
        var plan = Plan(temp, "edge", "--raises", "1", "--phase-steps", "2", "--record-every", "1", "--raise-factor", "1.0001", "--initial-fraction", "0.999");
        var training = plan.GetProperty("cells")[0].GetProperty("configuration").GetProperty("training");
        Assert.That(training.GetProperty("maxSteps").GetInt32(), Is.EqualTo(2 * (1 + 2)), "the raise's phase, the phase before it and one to settle");
    }

    [Test]
    public void ThePlanHoldsTheDocumentedDefaults()
    {
        using var temp = new TempDirectory();
        var plan = Plan(temp, "default");
        var settings = plan.GetProperty("settings");
        var config = plan.GetProperty("cells")[0].GetProperty("configuration");
        Assert.Multiple(() =>
        {
            Assert.That(settings.GetProperty("raises").GetInt32(), Is.EqualTo(2));
            Assert.That(settings.GetProperty("phaseSteps").GetInt32(), Is.EqualTo(300));
            Assert.That(settings.GetProperty("raiseFactor").GetDouble(), Is.EqualTo(1.1));
            Assert.That(config.GetProperty("training").GetProperty("maxSteps").GetInt32(), Is.EqualTo(300 * 4));
            Assert.That(config.GetProperty("recordEvery").GetInt32(), Is.EqualTo(5));
            Assert.That(config.GetProperty("checkpointEvery").GetInt32(), Is.EqualTo(5 * 20));
            Assert.That(config.GetProperty("experimentOptions").GetProperty("--initial-fraction").GetString(), Is.EqualTo("0.5"));
        });
        Assert.That(Plan(temp, "quick", "--quick").GetProperty("settings").GetProperty("phaseSteps").GetInt32(), Is.EqualTo(120));
    }

    [Test]
    public void TheStartingRateIsTheFractionOfTheSeedsCriticalRate()
    {
        using var temp = new TempDirectory();
        static double Rate(JsonElement plan) => plan.GetProperty("cells")[0].GetProperty("configuration").GetProperty("training").GetProperty("learningRate").GetDouble();
        double half = Rate(Plan(temp, "half"));
        double quarter = Rate(Plan(temp, "quarter", "--initial-fraction", "0.25"));
        Assert.That(quarter / half, Is.EqualTo(0.5).Within(1e-12), "the same seed's η_crit, a fraction of 0.25 against the default 0.5");
    }

    // Found by mutation testing (round 27C): the quick preset's data and width were free to change.
    [Test]
    public void TheQuickPlanTrainsOnTheQuickSizes()
    {
        using var temp = new TempDirectory();
        var config = StudyCli.Plan("gd-catapults", temp.Combine("quick"), "--quick").GetProperty("cells")[0].GetProperty("configuration");
        Assert.Multiple(() =>
        {
            Assert.That(config.GetProperty("data").GetProperty("trainCount").GetInt32(), Is.EqualTo(256));
            Assert.That(config.GetProperty("data").GetProperty("testCount").GetInt32(), Is.EqualTo(500));
            Assert.That(config.GetProperty("network").GetProperty("width").GetInt32(), Is.EqualTo(CommonOptions.QuickWidth));
            Assert.That(config.GetProperty("training").GetProperty("maxSteps").GetInt32(), Is.EqualTo(120 * 4));
        });
    }

    // Found by mutation testing (round 27C): a starting fraction of 0 was refused only by the check that it is below 1 (not at all).
    [Test]
    public void AStartingFractionOfZeroIsRefusedInOneLine()
    {
        using var temp = new TempDirectory();
        string line = CliAssert.OneLineError(StudyCli.Run(new[] { "plan", "gd-catapults" }.Concat(Tiny).Concat(new[] { "--initial-fraction", "0", "--out", temp.Combine("zero") }).ToArray()));
        Assert.That(line, Is.EqualTo("error: --initial-fraction must be a positive number, got 0."));
    }
}
