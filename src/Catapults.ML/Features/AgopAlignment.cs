using Catapults.ML.Runtime;

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
        var g0 = SymmetricMatrices.CheckedSymmetric(agop, "AGOP", nameof(agop));
        var r0 = SymmetricMatrices.CheckedSymmetric(reference, "reference AGOP", nameof(reference)).to(g0.device);
        var (g, r) = power != 1.0 ? (SymmetricMatrices.Power(g0, power), SymmetricMatrices.Power(r0, power)) : (g0, r0);
        double normG = g.norm().ReadDouble();
        double normR = r.norm().ReadDouble();
        double inner = (g * r).sum().ReadDouble();
        if (!InRange(normG, normR, inner))
        {
            // Huge or tiny entries (or a large power) overflow or underflow the norms: 1e200 entries gave ‖G‖ = ∞ and
            // a cosine of 0, G^1000 gave NaN. The cosine is scale-invariant, so each matrix is scaled to a largest
            // eigenvalue (p ≠ 1) or entry (p = 1) of 1 and measured again. Only such inputs take this path: an
            // ordinary one keeps the direct computation above, bit for bit.
            g = ScaledPower(g0, power);
            r = ScaledPower(r0, power);
            normG = g.norm().ReadDouble();
            normR = r.norm().ReadDouble();
            inner = (g * r).sum().ReadDouble();
        }
        if (normG == 0) throw new ArgumentException("The AGOP is zero, so its alignment is undefined (does the model depend on its inputs?).", nameof(agop));
        if (normR == 0) throw new ArgumentException("The reference AGOP is zero, so the alignment is undefined.", nameof(reference));
        if (!InRange(normG, normR, inner))
            throw new ArgumentException(
                $"cos(G^{power}, G*^{power}) cannot be computed in float64 (‖G^p‖ = {normG:G3}, ‖G*^p‖ = {normR:G3}); use a smaller power.",
                nameof(power));
        return Math.Clamp(inner / (normG * normR), -1.0, 1.0);
    }

    // The smallest normal float64, 2^-1022; below it a norm has lost precision to underflow.
    private const double SmallestNormal = 2.2250738585072014E-308;

    // Whether both norms are normal non-zero float64 values, whose product is too, and the inner product is finite.
    // A zero norm counts as out of range: it may be an underflow of a non-zero matrix (entries of 1e-200).
    private static bool InRange(double normG, double normR, double inner)
    {
        double product = normG * normR;
        return normG >= SmallestNormal && double.IsFinite(normG) && normR >= SmallestNormal && double.IsFinite(normR)
               && product >= SmallestNormal && double.IsFinite(product) && double.IsFinite(inner);
    }

    // A positive multiple of a^p (which leaves the cosine unchanged) whose largest entry (p = 1) or eigenvalue is 1,
    // so that neither the power nor the norms overflow; a zero matrix, or one whose eigenvalues are all ≤ 0, stays zero.
    private static Tensor ScaledPower(Tensor a, double power)
    {
        if (power == 1.0)
        {
            double largest = a.abs().max().ReadDouble();
            return largest == 0 ? a : KeptScalars.DividedBy(a, largest);
        }
        var (values, vectors) = torch.linalg.eigh(a);
        values = KeptScalars.ClampedBelow(values, 0);
        double top = values.max().ReadDouble();
        if (top == 0) return torch.zeros_like(a);
        var powered = SymmetricMatrices.PoweredEigenvalues(KeptScalars.DividedBy(values, top), power);
        var result = torch.matmul(vectors * powered.unsqueeze(-2), vectors.transpose(-1, -2));
        return KeptScalars.HalfSum(result, result.transpose(-1, -2));
    }
}
