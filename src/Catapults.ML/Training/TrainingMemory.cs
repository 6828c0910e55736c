using Catapults.ML.Models;

namespace Catapults.ML.Training;

/// <summary>How much memory a training takes, from its descriptions alone, so that one that cannot fit is refused before anything is built.</summary>
public static class TrainingMemory
{
    /// <summary>
    /// About how much memory, in bytes, training <paramref name="network"/> on inputs of <paramref name="inputShape"/>
    /// with <paramref name="training"/> takes: the float32 weights, their gradients and the optimiser's per-weight state
    /// (<see cref="Optimizers.StateCopies"/>), and the activations a batch keeps for the backward pass with a gradient
    /// of each. Exact in the weights for fully connected networks, an upper bound for the image architectures
    /// (<see cref="ModelFactory.SizeBound"/>).
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="outputCount">The outputs.</param>
    /// <param name="training">The training: its optimiser and its batch size.</param>
    /// <param name="sampleCount">The training samples, the batch of full-batch training.</param>
    /// <exception cref="ArgumentException">The description does not fit the shape (as <see cref="ModelFactory.Create"/> would say).</exception>
    public static double Bytes(NetworkDescription network, long[] inputShape, int outputCount, TrainingOptions training, long sampleCount)
    {
        ArgumentNullException.ThrowIfNull(training);
        var (parameters, perSample) = ModelFactory.SizeBound(network, inputShape, outputCount);
        double batch = Math.Min(training.BatchSize ?? sampleCount, sampleCount);
        return sizeof(float) * (parameters * (2 + Optimizers.StateCopies(training)) + 2 * batch * perSample);
    }
}
