namespace Catapults.ML.Features;

/// <summary>
/// AGOP alignment: the Frobenius cosine cos(G, G*) = ⟨G, G*⟩_F / (‖G‖_F ‖G*‖_F) (README, Conventions), in float64. It is 1
/// when G is a positive multiple of G*, and 0 when they act on orthogonal subspaces; for PSD matrices it lies in [0, 1].
/// </summary>
public static class AgopAlignment
{
    /// <summary>
    /// cos(G, G*), or cos(G^p, G*^p) when <paramref name="power"/> ≠ 1 (both matrices raised by symmetric
    /// eigendecomposition; e.g. p = ½ compares the square-root AGOPs of the neural feature ansatz).
    /// </summary>
    /// <param name="agop">G: [d, d] (or [O, d, d], compared as one flattened vector).</param>
    /// <param name="reference">G*, the same shape as <paramref name="agop"/>.</param>
    /// <param name="power">The matrix power applied to both first; default 1 (none). Must be positive.</param>
    /// <exception cref="ArgumentException">Shapes differ, a matrix is not square, symmetric and finite, or one is zero.</exception>
    public static double Cosine(Tensor agop, Tensor reference, double power = 1.0)
    {
        ArgumentNullException.ThrowIfNull(agop);
        ArgumentNullException.ThrowIfNull(reference);
        if (!agop.shape.SequenceEqual(reference.shape))
            throw new ArgumentException(
                $"The AGOP [{string.Join(", ", agop.shape)}] and the reference [{string.Join(", ", reference.shape)}] must have the same shape.",
                nameof(reference));
        if (!double.IsFinite(power) || power <= 0)
            throw new ArgumentOutOfRangeException(nameof(power), power, "The matrix power must be finite and positive.");
        using var scope = torch.NewDisposeScope();
        var g = SymmetricMatrices.CheckedSymmetric(agop, "AGOP");
        var r = SymmetricMatrices.CheckedSymmetric(reference, "reference AGOP").to(g.device);
        if (power != 1.0)
        {
            g = SymmetricMatrices.Power(g, power);
            r = SymmetricMatrices.Power(r, power);
        }
        double normG = g.norm().ToDouble();
        double normR = r.norm().ToDouble();
        if (normG == 0) throw new ArgumentException("The AGOP is zero, so its alignment is undefined (does the model depend on its inputs?).", nameof(agop));
        if (normR == 0) throw new ArgumentException("The reference AGOP is zero, so the alignment is undefined.", nameof(reference));
        double inner = (g * r).sum().ToDouble();
        return Math.Clamp(inner / (normG * normR), -1.0, 1.0);
    }
}
