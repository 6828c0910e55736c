using Catapults.ML.Models;

namespace Catapults.ML.Spectra;

/// <summary>One-shot Jacobian products (build the forward graph, take one product, release it).</summary>
public static class JacobianProducts
{
    /// <summary>Jᵀv for v [n, O] (or [n·O]) at the current weights: one tensor per trainable parameter.</summary>
    public static IReadOnlyList<Tensor> TransposeProduct(NetworkModule model, Tensor inputs, Tensor v)
    {
        using var jacobian = new JacobianOperator(model, inputs);
        return jacobian.TransposeApply(v);
    }

    /// <summary>Ju for a tangent u given per parameter; returns [n, O].</summary>
    public static Tensor Product(NetworkModule model, Tensor inputs, IReadOnlyList<Tensor> u)
    {
        using var jacobian = new JacobianOperator(model, inputs);
        return jacobian.Apply(u);
    }

    /// <summary>Ju for a flat tangent u [P]; returns [n, O].</summary>
    public static Tensor ProductFlat(NetworkModule model, Tensor inputs, Tensor u)
    {
        using var jacobian = new JacobianOperator(model, inputs);
        return jacobian.ApplyFlat(u);
    }
}
