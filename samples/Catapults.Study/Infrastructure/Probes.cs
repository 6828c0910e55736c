using Catapults.ML.Data;
using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// λ_max of the NTK and η_crit = b / λ_max (MSE) on a fixed set of samples (the whole training set for GD, or a probe set).
/// </summary>
public sealed class CriticalRateProbe(Tensor inputs, LossKind loss = LossKind.MeanSquaredError) : IStepProbe
{
    /// <inheritdoc />
    public IReadOnlyList<string> Columns { get; } = new[] { "lambda_max", "eta_crit" };

    /// <inheritdoc />
    public IReadOnlyList<double?> Measure(NetworkModule model, int step)
    {
        try
        {
            var r = Finite.Guard(model, step, "the critical-rate eigen-solve", () => CriticalLearningRate.Compute(model, inputs, loss));
            return new double?[] { r.Sharpness, r.Value };
        }
        catch (InvalidOperationException)
        {
            // A solve that does not converge on finite values leaves the cell empty (non-finite ones end the run in Guard).
            return new double?[] { null, null };
        }
    }
}

/// <summary>AGOP alignment (cosine with the true AGOP) on the test inputs.</summary>
public sealed class AlignmentProbe(TensorDataset test, Tensor reference) : IStepProbe
{
    /// <inheritdoc />
    public IReadOnlyList<string> Columns { get; } = new[] { "agop_alignment" };

    /// <inheritdoc />
    public IReadOnlyList<double?> Measure(NetworkModule model, int step)
    {
        using var scope = torch.NewDisposeScope();
        double? a = Finite.Guard(model, step, "the AGOP alignment", () => Finite.OrNull(() => AgopAlignment.Cosine(Agop.Compute(model, test), reference)));
        return new double?[] { a };
    }
}
