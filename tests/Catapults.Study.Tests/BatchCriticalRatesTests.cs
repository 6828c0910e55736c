using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Catapults.Study.BatchSweep;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// The quantiles and the share of catapulting batches that place η and fill the batch sweep's rate table, against
/// hand-computed values: quantiles interpolate linearly between the sorted rates, and a batch catapults only when η is
/// strictly above its critical rate. Found by mutation testing (6 Dec 2026, round 16B).
/// </summary>
public sealed class BatchCriticalRatesTests
{
    // Given out of order: sorted they are 1, 2, 3, 4 at positions 0..3.
    private static readonly BatchCriticalRates Four = new(5, new[] { 4.0, 1.0, 3.0, 2.0 });

    [Test]
    public void QuantilesInterpolateBetweenTheSortedRates()
    {
        // Median: position 0.5 × 3 = 1.5, halfway between 2 and 3.
        Assert.That(Four.Median, Is.EqualTo(2.5).Within(1e-12));
        // 5th percentile: position 0.15, 15 % of the way from 1 to 2; 95th: position 2.85, 85 % of the way from 3 to 4.
        Assert.That(Four.Percentile5, Is.EqualTo(1.15).Within(1e-12));
        Assert.That(Four.Percentile95, Is.EqualTo(3.85).Within(1e-12));
        Assert.That(Four.Quantile(0), Is.EqualTo(1.0));
        Assert.That(Four.Quantile(1), Is.EqualTo(4.0));
        Assert.That(Four.Quantile(1.0 / 3), Is.EqualTo(2.0).Within(1e-12), "position 1 is the second rate itself");
    }

    // Outside [0, 1] a quantile has no meaning: above 1 it read past the sorted rates, below 0 it extrapolated.
    [TestCase(-0.1)]
    [TestCase(1.5)]
    [TestCase(double.NaN)]
    public void AQuantileOutsideZeroToOneIsRefusedByName(double q)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Four.Quantile(q))!;
        Assert.That(ex.ParamName, Is.EqualTo("q"));
        Assert.That(ex.Message, Does.StartWith("A quantile is a share from 0 to 1."));
    }

    [Test]
    public void OneBatchIsItsOwnEveryQuantileAndNoBatchHasNone()
    {
        var one = new BatchCriticalRates(2000, new[] { 0.7 });
        Assert.That(new[] { one.Median, one.Percentile5, one.Percentile95 }, Is.All.EqualTo(0.7));
        var none = new BatchCriticalRates(5, Array.Empty<double>());
        Assert.That(none.Median, Is.NaN);
        Assert.That(none.ShareBelow(1), Is.NaN);
    }

    [Test]
    public void ABatchCatapultsOnlyWhenTheRateIsStrictlyAboveItsCriticalRate()
    {
        Assert.That(Four.ShareBelow(2.0), Is.EqualTo(0.25), "η = 2 equals the second batch's η_crit: only the batch at 1 is below it");
        Assert.That(Four.ShareBelow(2.5), Is.EqualTo(0.5));
        Assert.That(Four.ShareBelow(0.5), Is.EqualTo(0.0));
        Assert.That(Four.ShareBelow(10), Is.EqualTo(1.0));
    }

    // Found by mutation testing (7 Dec 2026, round 31B): the survey reads every batch of the first epoch in the trainer's
    // order for the shuffle seed it is given, not seed 0's.
    [Test]
    public void MeasureReadsEveryBatchOfTheShuffleSeedsFirstEpochInTheTrainersOrder()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var dataSettings = new DataSettings { Dataset = "rank2", TrainCount = 20, TestCount = 4 };
        var config = new RunConfig
        {
            RecordEvery = 10, CheckpointEvery = 500, Experiment = "batch-sweep", Label = "b5-seed0", Data = dataSettings, Network = new NetworkDescription { Architecture = "fcn-2", Width = 16, UseBias = false },
            Training = RunConfig.TrainingFor(0.1, 5, 10, 0, 5), Seed = 0,
        };
        using var data = StudyData.Load(dataSettings);
        using var model = RunExecutor.CreateModel(config, data);
        var source = new EpochBatchSource(data.Train, 5, 3);
        var expected = Enumerable.Range(0, 4).Select(step => CriticalLearningRate.Compute(model, source.BatchAt(step).Features).Value).ToList();

        var measured = BatchCriticalRates.Measure(model, data.Train, 5, shuffleSeed: 3);
        Assert.That(measured.BatchSize, Is.EqualTo(5));
        Assert.That(measured.Rates, Is.EqualTo(expected).Within(1e-9).Percent, "the four batches of seed 3's first epoch, in order");
        Assert.That(BatchCriticalRates.Measure(model, data.Train, 5, shuffleSeed: 0).Rates, Is.Not.EqualTo(expected).Within(1e-9).Percent, "seed 0 draws other batches");
    }
}
