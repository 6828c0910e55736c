using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;

namespace Catapults.ML.Training;

/// <summary>Computes the losses of <see cref="LossKind"/>.</summary>
public static class Losses
{
    // Samples per forward pass when a loss is evaluated over a whole dataset: bounds the activations held at once.
    private const int EvaluationChunk = 4096;

    /// <summary>The loss of <paramref name="model"/> over <paramref name="data"/>, with the normalisation of <paramref name="loss"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no samples, so its mean loss is undefined.</exception>
    public static double Evaluate(NetworkModule model, TensorDataset data, LossKind loss)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        // 0/0 would pass for a loss, and a NaN loss for a divergence.
        if (data.Count == 0) throw new ArgumentException($"The dataset {data.Name} has no samples: a loss over it is undefined.", nameof(data));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        double total = 0;
        int n = data.Count;
        for (int start = 0; start < n; start += EvaluationChunk)
        {
            int count = Math.Min(EvaluationChunk, n - start);
            using var inner = torch.NewDisposeScope();
            var x = data.Features.narrow(0, start, count);
            var y = data.Targets.narrow(0, start, count);
            total += Losses.Compute(loss, model.forward(x), y).ReadDouble() * count;
        }
        return total / n;
    }

    /// <summary>The batch loss; a scalar tensor in the graph of <paramref name="output"/>.</summary>
    public static Tensor Compute(LossKind kind, Tensor output, Tensor target)
    {
        switch (kind)
        {
            case LossKind.MeanSquaredError:
                if (target.dtype != ScalarType.Float32 || !target.shape.SequenceEqual(output.shape))
                    throw new ArgumentException(
                        $"MeanSquaredError needs float32 targets shaped like the output [{string.Join(", ", output.shape)}], " +
                        $"got [{string.Join(", ", target.shape)}] {target.dtype}.", nameof(target));
                if (output.dtype != target.dtype)
                {
                    // A float64 model (Hessian checks) against float32 targets: the subtraction promotes, where
                    // mse_loss's backward would fail inside libtorch (and autograd.grad has no exception guard).
                    using var r = output - target;
                    using var sq = r * r;
                    using var perSample = sq.sum(1);
                    return perSample.mean();
                }
                // libtorch's fused mse_loss: one operation and one backward node instead of four (subtraction, square,
                // sum over outputs, mean), which at small batches cost more than their arithmetic. Summed over every
                // element and divided by b it is 1/b Σᵢ ‖f(xᵢ) − yᵢ‖²; with one output the same bits as the mean of the
                // per-sample sums, because the elements are summed in the same order.
                using (var total = nn.functional.mse_loss(output, target, nn.Reduction.Sum))
                    return KeptScalars.DividedBy(total, output.shape[0]);
            case LossKind.CrossEntropy:
                if (target.dtype != ScalarType.Int64 || target.dim() != 1 || target.shape[0] != output.shape[0])
                    throw new ArgumentException(
                        $"CrossEntropy needs int64 class indices [{output.shape[0]}], got [{string.Join(", ", target.shape)}] {target.dtype}.",
                        nameof(target));
                CheckClassIndices(target, output.dim() == 2 ? output.shape[1] : 0);
                return nn.functional.cross_entropy(output, target);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown loss.");
        }
    }

    // libtorch reports an index out of range with C++ frames and no argument name; say which class is wrong instead.
    private static void CheckClassIndices(Tensor target, long classes)
    {
        if (target.numel() == 0) return;
        using var low = target.min();
        using var high = target.max();
        long min = low.ReadInt64(), max = high.ReadInt64();
        if (min < 0 || max >= classes)
            throw new ArgumentOutOfRangeException(nameof(target), min < 0 ? min : max,
                $"CrossEntropy class indices must lie in [0, {classes}) for outputs with {classes} classes.");
    }

    /// <summary>
    /// Factor c such that the loss's Hessian in the outputs is c·I for MSE (c = 2/b): the link between the NTK and
    /// the critical learning rate, η_crit = 2 / (c λ_max(K)).
    /// </summary>
    public static double MseOutputCurvature(int batchSize) => 2.0 / batchSize;
}
