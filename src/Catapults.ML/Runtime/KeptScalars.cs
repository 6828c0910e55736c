namespace Catapults.ML.Runtime;

/// <summary>
/// Tensor arithmetic with a number, the number's <see cref="Scalar"/> held until libtorch has read it: the same libtorch
/// operation as TorchSharp's operator, so the same bits.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's operators pass a number as a temporary <see cref="Scalar"/>, and <c>a + b</c> passes one for its
/// scale 1 (its subtraction passes none). Nothing refers to a temporary once its handle is read, so a garbage collection
/// that another thread causes during the native call can finalize it while libtorch reads it, and the call fails with
/// libtorch's "Expected false to be true" or "Unknown scalar type" (see <c>ScalarSafe</c> for the optimisers and its
/// measurement). Every architecture's forward pass, the MSE loss, SAM's ascent and the update transforms' write-back go
/// through these.
/// </remarks>
internal static class KeptScalars
{
    /// <summary><paramref name="tensor"/> · <paramref name="factor"/>, a new tensor.</summary>
    public static Tensor Times(Tensor tensor, double factor)
    {
        using var scalar = factor.ToScalar();
        return tensor.mul(scalar);
    }

    /// <summary><paramref name="tensor"/> / <paramref name="divisor"/>, a new tensor.</summary>
    public static Tensor DividedBy(Tensor tensor, long divisor)
    {
        using var scalar = divisor.ToScalar();
        return tensor.div(scalar);
    }

    /// <summary><paramref name="tensor"/> + <paramref name="other"/>, a new tensor.</summary>
    public static Tensor Plus(Tensor tensor, Tensor other)
    {
        using var one = 1.ToScalar();
        return tensor.add(other, one);
    }

    /// <summary>Adds <paramref name="other"/> to <paramref name="tensor"/> in place; returns it.</summary>
    public static Tensor AddInPlace(Tensor tensor, Tensor other)
    {
        using var one = 1.ToScalar();
        return tensor.add_(other, one);
    }
}
