using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Training;

namespace Catapults.Study.BatchSweep;

/// <summary>
/// The critical rates η_crit = b / λ_max(K_b) of the batches one epoch of SGD would see, at fixed weights: the
/// distribution that decides which batches catapult at a given η.
/// </summary>
/// <param name="BatchSize">b.</param>
/// <param name="Rates">η_crit of each batch of the first epoch, in the trainer's order for the shuffle seed.</param>
public sealed record BatchCriticalRates(int BatchSize, IReadOnlyList<double> Rates)
{
    /// <summary>The median batch critical rate.</summary>
    public double Median => Quantile(0.5);

    /// <summary>The 5th percentile (the batches that catapult first as η grows).</summary>
    public double Percentile5 => Quantile(0.05);

    /// <summary>The 95th percentile.</summary>
    public double Percentile95 => Quantile(0.95);

    /// <summary>The share of batches whose critical rate is below <paramref name="learningRate"/> (they catapult at that rate).</summary>
    public double ShareBelow(double learningRate) => Rates.Count == 0 ? double.NaN : Rates.Count(r => r < learningRate) / (double)Rates.Count;

    /// <summary>The <paramref name="q"/>-quantile, linearly interpolated between order statistics.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is not in [0, 1].</exception>
    public double Quantile(double q)
    {
        if (!(q is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile is a share from 0 to 1.");
        if (Rates.Count == 0) return double.NaN;
        var sorted = Rates.OrderBy(r => r).ToArray();
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }

    /// <summary>
    /// Measures the batches of the first epoch of batch size <paramref name="batchSize"/> (full batch when it equals
    /// n) with the trainer's own batch order for <paramref name="shuffleSeed"/>, at the model's current weights.
    /// </summary>
    public static BatchCriticalRates Measure(NetworkModule model, TensorDataset train, int batchSize, long shuffleSeed)
    {
        var source = new EpochBatchSource(train, batchSize, shuffleSeed);
        var rates = new List<double>(source.StepsPerEpoch!.Value);
        for (int step = 0; step < source.StepsPerEpoch; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = source.BatchAt(step);
            rates.Add(CriticalLearningRate.Compute(model, batch.Features, LossKind.MeanSquaredError).Value);
        }
        return new BatchCriticalRates(source.BatchSize, rates);
    }
}
