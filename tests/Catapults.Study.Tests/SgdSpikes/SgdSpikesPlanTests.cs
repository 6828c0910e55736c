using System.Text.Json;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.BatchSweep;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.SgdSpikes;

/// <summary>
/// The sgd-spikes plan (nothing trains): its defaults, a fixed rate that overrides the fraction, a fraction of the
/// seed's own full-batch critical rate, and a step budget of one step at least. Found by mutation testing (round 17B).
/// </summary>
public sealed class SgdSpikesPlanTests
{
    private static JsonElement Plan(TempDirectory temp, string name, params string[] options) =>
        StudyCli.Plan("sgd-spikes", temp.Combine(name), new[] { "--n-test", "8", "--width", "8", "--seeds", "1" }.Concat(options).ToArray());

    private static JsonElement Config(JsonElement plan) => plan.GetProperty("cells")[0].GetProperty("configuration");

    private static double Rate(JsonElement plan) => Config(plan).GetProperty("training").GetProperty("learningRate").GetDouble();

    [Test]
    public void AFixedRateOverridesTheFractionAndAFractionScalesTheSeedsCriticalRate()
    {
        using var temp = new TempDirectory();
        Assert.That(Rate(Plan(temp, "fixed", "--n-train", "40", "--learning-rate", "0.3", "--rate-fraction", "0.5")), Is.EqualTo(0.3));
        var plan = Plan(temp, "fraction", "--n-train", "40", "--rate-fraction", "0.5");
        double critical = plan.GetProperty("settings").GetProperty("fullBatchCriticalRates")[0].GetDouble();
        Assert.That(Rate(plan), Is.EqualTo(0.5 * critical).Within(1e-12 * critical));
    }

    [Test]
    public void ThePlanHoldsTheDocumentedDefaults()
    {
        using var temp = new TempDirectory();
        var config = Config(Plan(temp, "default", "--n-train", "300"));
        var training = config.GetProperty("training");
        Assert.Multiple(() =>
        {
            Assert.That(training.GetProperty("batchSize").GetInt32(), Is.EqualTo(10));
            Assert.That(training.GetProperty("maxSteps").GetInt32(), Is.EqualTo(3000));
            Assert.That(config.GetProperty("recordEvery").GetInt32(), Is.EqualTo(5));
            Assert.That(config.GetProperty("checkpointEvery").GetInt32(), Is.EqualTo(100), "20 records (mutation round 22B)");
            Assert.That(config.GetProperty("probeIndices").GetArrayLength(), Is.EqualTo(256));
        });
        var quick = Config(Plan(temp, "quick", "--quick", "--n-train", "300"));
        Assert.That(quick.GetProperty("training").GetProperty("maxSteps").GetInt32(), Is.EqualTo(300));
        Assert.That(quick.GetProperty("probeIndices").GetArrayLength(), Is.EqualTo(128));
        Assert.That(Config(Plan(temp, "small", "--n-train", "40")).GetProperty("probeIndices").GetArrayLength(), Is.EqualTo(40),
            "a probe set larger than n is the whole training set");
    }

    // The help text promises four seeds, one with --quick; nothing else pinned the count.
    [Test]
    public void FourSeedsRunByDefaultAndOneWithQuick()
    {
        using var temp = new TempDirectory();
        string[] small = { "--n-train", "40", "--n-test", "8", "--width", "8" };
        var plan = StudyCli.Plan("sgd-spikes", temp.Combine("default"), small);
        var quick = StudyCli.Plan("sgd-spikes", temp.Combine("quick"), small.Append("--quick").ToArray());
        Assert.That(plan.GetProperty("cells").GetArrayLength(), Is.EqualTo(4));
        Assert.That(plan.GetProperty("settings").GetProperty("fullBatchCriticalRates").GetArrayLength(), Is.EqualTo(4), "one rate per seed");
        Assert.That(quick.GetProperty("cells").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public void NoStepsAreRefusedInOneLine()
    {
        using var temp = new TempDirectory();
        string line = CliAssert.OneLineError(StudyCli.Run("sgd-spikes", "--steps", "0", "--out", temp.Combine("out")));
        Assert.That(line, Is.EqualTo("error: --steps must be at least 1, got 0."));
    }

    // Five training samples and a probe set of five are the fewest the top five NTK eigenvectors allow, and are
    // planned; only four are refused (mutation round 35B).
    [Test]
    public void FiveTrainingSamplesAndAProbeSetOfFiveArePlanned()
    {
        using var temp = new TempDirectory();
        Assert.That(Config(Plan(temp, "n5", "--n-train", "5", "--batch-size", "5")).GetProperty("probeIndices").GetArrayLength(), Is.EqualTo(5),
            "n = 5: the probe set is the whole training set");
        Assert.That(Config(Plan(temp, "probe5", "--n-train", "40", "--probe-size", "5")).GetProperty("probeIndices").GetArrayLength(), Is.EqualTo(5));
    }
    // Without --rate-fraction or --learning-rate, η is the median critical rate of the seed's first epoch's batches at
    // initialisation, not η_crit(full batch); and sgd-spikes builds the paper's bias-free network unless --bias is given
    // (mutation round 22B).
    [Test]
    public void TheDefaultRateIsTheMedianBatchCriticalRateOfTheBiasFreeNetwork()
    {
        using var temp = new TempDirectory();
        var plan = Plan(temp, "median", "--n-train", "40", "--batch-size", "5");
        string path = temp.Combine("config.json");
        File.WriteAllText(path, Config(plan).GetRawText());
        var config = StudyJson.Read<RunConfig>(path);
        Assert.That(config.Network.UseBias, Is.False, "the paper's bias-free network");
        using var data = StudyData.Load(config.Data);
        double median;
        using (var model = RunExecutor.CreateModel(config, data))
            median = BatchCriticalRates.Measure(model, data.Train, 5, 0).Median;
        double critical = plan.GetProperty("settings").GetProperty("fullBatchCriticalRates")[0].GetDouble();
        Assert.That(Math.Abs(median - critical), Is.GreaterThan(1e-6 * critical), "the two rates differ here");
        Assert.That(Rate(plan), Is.EqualTo(median).Within(1e-12 * median));
        Assert.That((bool?)Config(Plan(temp, "bias", "--n-train", "40", "--bias")).GetProperty("network").GetProperty("useBias").GetBoolean(), Is.True);
    }
}
