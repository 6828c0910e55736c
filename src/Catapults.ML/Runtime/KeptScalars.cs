namespace Catapults.ML.Runtime;

/// <summary>
/// Tensor arithmetic with a number, the number's <see cref="Scalar"/> held until libtorch has read it: the same libtorch
/// operation as TorchSharp's operator or overload, so the same bits.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's operators pass a number as a temporary <see cref="Scalar"/>, and some overloads make one that the
/// caller never sees: <c>a + b</c> and <c>add_(b)</c> pass a scale of 1, <c>square()</c> an exponent of 2,
/// <c>linalg.vector_norm</c> its order (subtraction, <c>addmm</c>, <c>addmv</c> and <c>baddbmm</c> pass none; the last
/// three take plain floats). Nothing refers to a temporary once its handle is read, so a garbage collection that another
/// thread causes during the native call can finalize it while libtorch reads it, and the call fails with libtorch's
/// "Expected false to be true" or "Unknown scalar type" (see <c>ScalarSafe</c> for the optimisers and its measurement).
/// Every number the library hands libtorch goes through these or through <c>ScalarSafe</c>; a test reads the compiled
/// library and fails on any other conversion to <see cref="Scalar"/> or call of such an overload.
/// </remarks>
internal static class KeptScalars
{
    /// <summary><paramref name="tensor"/> · <paramref name="factor"/>, a new tensor.</summary>
    public static Tensor Times(Tensor tensor, double factor)
    {
        using var scalar = factor.ToScalar();
        return tensor.mul(scalar);
    }

    /// <summary>Multiplies <paramref name="tensor"/> by <paramref name="factor"/> in place; returns it.</summary>
    public static Tensor TimesInPlace(Tensor tensor, double factor)
    {
        using var scalar = factor.ToScalar();
        return tensor.mul_(scalar);
    }

    /// <summary><paramref name="tensor"/> / <paramref name="divisor"/>, a new tensor.</summary>
    public static Tensor DividedBy(Tensor tensor, long divisor)
    {
        using var scalar = divisor.ToScalar();
        return tensor.div(scalar);
    }

    /// <summary><paramref name="tensor"/> / <paramref name="divisor"/>, a new tensor.</summary>
    public static Tensor DividedBy(Tensor tensor, double divisor)
    {
        using var scalar = divisor.ToScalar();
        return tensor.div(scalar);
    }

    /// <summary>Divides <paramref name="tensor"/> by <paramref name="divisor"/> in place; returns it.</summary>
    public static Tensor DivideInPlace(Tensor tensor, double divisor)
    {
        using var scalar = divisor.ToScalar();
        return tensor.div_(scalar);
    }

    /// <summary>Divides <paramref name="tensor"/> by <paramref name="divisor"/> in place; returns it.</summary>
    public static Tensor DivideInPlace(Tensor tensor, long divisor)
    {
        using var scalar = divisor.ToScalar();
        return tensor.div_(scalar);
    }

    /// <summary><paramref name="tensor"/> + <paramref name="other"/>, a new tensor.</summary>
    public static Tensor Plus(Tensor tensor, Tensor other)
    {
        using var one = 1.ToScalar();
        return tensor.add(other, one);
    }

    /// <summary>(<paramref name="tensor"/> + <paramref name="other"/>) · ½, a new tensor: the symmetric part of a matrix and its transpose.</summary>
    public static Tensor HalfSum(Tensor tensor, Tensor other)
    {
        using var one = 1.ToScalar();
        using var half = 0.5.ToScalar();
        return tensor.add(other, one).mul_(half);
    }

    /// <summary><paramref name="constant"/> − <paramref name="tensor"/>, a new tensor (as (−t) + c, the same rounding).</summary>
    public static Tensor ConstantMinus(double constant, Tensor tensor)
    {
        using var scalar = constant.ToScalar();
        using var one = 1.ToScalar();
        return tensor.neg().add_(scalar, one);
    }

    /// <summary>Adds <paramref name="other"/> to <paramref name="tensor"/> in place; returns it.</summary>
    public static Tensor AddInPlace(Tensor tensor, Tensor other)
    {
        using var one = 1.ToScalar();
        return tensor.add_(other, one);
    }

    /// <summary>Adds <paramref name="scale"/> · <paramref name="other"/> to <paramref name="tensor"/> in place; returns it.</summary>
    public static Tensor AddInPlace(Tensor tensor, Tensor other, double scale)
    {
        using var alpha = scale.ToScalar();
        return tensor.add_(other, alpha);
    }

    /// <summary>Adds <paramref name="constant"/> to every entry of <paramref name="tensor"/> in place; returns it.</summary>
    public static Tensor AddConstantInPlace(Tensor tensor, double constant)
    {
        using var scalar = constant.ToScalar();
        using var one = 1.ToScalar();
        return tensor.add_(scalar, one);
    }

    /// <summary>Adds <paramref name="left"/> ⊙ <paramref name="right"/> to <paramref name="tensor"/> in place (addcmul); returns it.</summary>
    public static Tensor AddProductInPlace(Tensor tensor, Tensor left, Tensor right)
    {
        using var one = 1.ToScalar();
        return tensor.addcmul_(left, right, one);
    }

    /// <summary>Entrywise <paramref name="tensor"/> &gt; <paramref name="value"/>, a new boolean tensor.</summary>
    public static Tensor GreaterThan(Tensor tensor, double value)
    {
        using var scalar = value.ToScalar();
        return tensor.gt(scalar);
    }

    /// <summary>Entrywise <paramref name="tensor"/> = <paramref name="value"/>, a new boolean tensor.</summary>
    public static Tensor EqualTo(Tensor tensor, double value)
    {
        using var scalar = value.ToScalar();
        return tensor.eq(scalar);
    }

    /// <summary>max(<paramref name="tensor"/>, <paramref name="minimum"/>) entrywise, a new tensor.</summary>
    public static Tensor ClampedBelow(Tensor tensor, double minimum)
    {
        using var scalar = minimum.ToScalar();
        return tensor.clamp_min(scalar);
    }

    /// <summary><paramref name="tensor"/> to the power <paramref name="exponent"/> entrywise, a new tensor.</summary>
    public static Tensor Power(Tensor tensor, double exponent)
    {
        using var scalar = exponent.ToScalar();
        return tensor.pow(scalar);
    }

    /// <summary>Sets every entry of <paramref name="tensor"/> to <paramref name="value"/>; returns it.</summary>
    public static Tensor FillInPlace(Tensor tensor, double value)
    {
        using var scalar = value.ToScalar();
        return tensor.fill_(scalar);
    }

    /// <summary>Sets the entries of <paramref name="tensor"/> where <paramref name="mask"/> holds to <paramref name="value"/>; returns it.</summary>
    public static Tensor FillWhereInPlace(Tensor tensor, Tensor mask, double value)
    {
        using var scalar = value.ToScalar();
        return tensor.masked_fill_(mask, scalar);
    }

    /// <summary>The value of a one-element tensor as a double; TorchSharp's <c>ToDouble()</c> reads it through a temporary <see cref="Scalar"/>.</summary>
    public static double ReadDouble(this Tensor tensor)
    {
        using var scalar = tensor.ToScalar();
        return scalar.ToDouble();
    }

    /// <summary>The value of a one-element tensor as a bool; TorchSharp's <c>ToBoolean()</c> reads it through a temporary <see cref="Scalar"/>.</summary>
    public static bool ReadBoolean(this Tensor tensor)
    {
        using var scalar = tensor.ToScalar();
        return scalar.ToBoolean();
    }

    /// <summary>The value of a one-element tensor as a long; TorchSharp's <c>ToInt64()</c> reads it through a temporary <see cref="Scalar"/>.</summary>
    public static long ReadInt64(this Tensor tensor)
    {
        using var scalar = tensor.ToScalar();
        return scalar.ToInt64();
    }

    /// <summary>start, start + step, … below stop, as a new tensor of <paramref name="type"/> on <paramref name="device"/>.</summary>
    public static Tensor Range(long start, long stop, long step, ScalarType type, Device device)
    {
        using var first = start.ToScalar();
        using var end = stop.ToScalar();
        using var stride = step.ToScalar();
        return torch.arange(first, end, stride, type, device);
    }
}
