using Catapults.ML.Data;
using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.Pipelines.Transformers;
using static TorchSharp.torch;

namespace Catapults.Pipelines.Evaluation;

/// <summary>
/// The reference AGOP G* that an alignment evaluation compares a network's AGOP with: the AGOP of a known function,
/// of a reference model, or a given matrix. Functions and models are evaluated on the same rows, in the same feature
/// space, as the evaluated network (its feature column, after every transform before it in the pipeline).
/// </summary>
public sealed class AgopReference
{
    private readonly Func<Tensor, Tensor> _compute;

    private AgopReference(string description, Func<Tensor, Tensor> compute)
    {
        Description = description;
        _compute = compute;
    }

    /// <summary>What the reference is, in words.</summary>
    public string Description { get; }

    /// <summary>G* = the AGOP of a differentiable target function f* (e.g. <c>SyntheticTask.Rank2(d)</c>).</summary>
    public static AgopReference FromFunction(ITargetFunction target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new AgopReference($"AGOP of {target.GetType().Name}", x =>
        {
            if (x.shape[1] != target.InputDimension)
                throw new ArgumentException($"The reference function takes {target.InputDimension} features; the network's feature column has {x.shape[1]}.");
            return ReferenceAgop.FromTarget(target, x);
        });
    }

    /// <summary>G* = the AGOP of a reference network module (read only; not disposed).</summary>
    public static AgopReference FromModel(NetworkModule model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new AgopReference($"AGOP of {model.Describe()}", x =>
        {
            if (x.shape[1] != model.InputDimension)
                throw new ArgumentException($"The reference model takes {model.InputDimension} features; the network's feature column has {x.shape[1]}.");
            return ReferenceAgop.FromModel(model, x);
        });
    }

    /// <summary>G* = the AGOP of a reference network transformer's network (read only; not disposed).</summary>
    public static AgopReference FromModel(TorchNetworkPredictionTransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return FromModel(model.Model.Network);
    }

    /// <summary>G* = a given symmetric d×d matrix (e.g. diag(1, 1, 0, …) for f*(x) = x₁x₂ on standard normal inputs).</summary>
    public static AgopReference FromMatrix(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.GetLength(0) != matrix.GetLength(1))
            throw new ArgumentException($"The reference AGOP must be square, got {matrix.GetLength(0)}×{matrix.GetLength(1)}.", nameof(matrix));
        var copy = (double[,])matrix.Clone();
        return new AgopReference($"a given {copy.GetLength(0)}×{copy.GetLength(0)} matrix", x =>
        {
            if (x.shape[1] != copy.GetLength(0))
                throw new ArgumentException($"The reference AGOP is {copy.GetLength(0)}×{copy.GetLength(0)}; the network's feature column has {x.shape[1]} features.");
            return ReferenceAgop.FromMatrix(copy);
        });
    }

    /// <summary>G* over <paramref name="features"/> [n, d] (joins the caller's dispose scope).</summary>
    internal Tensor Compute(Tensor features) => _compute(features);
}
