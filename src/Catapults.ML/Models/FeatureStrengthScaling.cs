namespace Catapults.ML.Models;

/// <summary>
/// The feature-learning strength γ and the learning-rate rule that goes with it, after Atanasov, Meterez, Simon and
/// Pehlevan, "The Optimization Landscape of SGD Across the Feature Learning Strength" (2024, arXiv:2410.04642).
/// </summary>
/// <remarks>
/// <para>
/// The network's centred output is divided by γ (<see cref="CenteredNetwork"/>): small γ is lazy, kernel-like
/// training; large γ is rich feature learning. The raw SGD learning rate that trains best scales as
/// </para>
/// <code>
///   η(γ) = W · η₀ · γ²        for γ ≤ 1   (lazy: the NTK is ∝ 1/γ², so the stable rate is ∝ γ²)
///   η(γ) = W · η₀ · γ^(2/L)   for γ ≥ 1   (ultra-rich: the weights grow to ∝ γ^(1/L) to fit, and the
///                                          sharpness at the solution is ∝ γ^(−2/L))
/// </code>
/// <para>
/// with L the depth (number of weight layers, L = hidden layers + 1 for a fully connected network) and W the width
/// factor: W = N, the readout's fan-in (the last hidden width), for the mean-field / μP readout
/// (<see cref="Parameterization.MeanField"/>), whose NTK at initialisation is O(1/N); W = 1 for the NTK and standard
/// parameterisations, whose NTK is O(1). The two branches meet at γ = 1 with η = W·η₀. The exponents 2 and 2/L are
/// the paper's; the width factor is the μP rate for SGD (Bordelon and Pehlevan's mean-field scaling η = η₀γ²N).
/// </para>
/// </remarks>
public sealed record FeatureStrengthScaling
{
    /// <summary>Creates the rule for a network of depth <paramref name="depth"/> and width factor <paramref name="widthFactor"/>.</summary>
    public FeatureStrengthScaling(int depth, double widthFactor = 1.0)
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), depth, "The depth L (number of weight layers) must be at least 1.");
        if (!double.IsFinite(widthFactor) || widthFactor <= 0)
            throw new ArgumentOutOfRangeException(nameof(widthFactor), widthFactor, "The width factor must be finite and positive.");
        Depth = depth;
        WidthFactor = widthFactor;
    }

    /// <summary>The depth L: the number of weight layers on the path from input to output.</summary>
    public int Depth { get; }

    /// <summary>The width factor W multiplying every rate: the readout fan-in N for a mean-field readout, 1 otherwise.</summary>
    public double WidthFactor { get; }

    /// <summary>The exponent of γ in the rule: 2 for γ ≤ 1 (lazy side), 2/L for γ &gt; 1 (rich side).</summary>
    public double Exponent(double gamma) => FeatureStrength.ValidateGamma(gamma) <= 1 ? 2.0 : 2.0 / Depth;

    /// <summary>The slope of log η* against log γ predicted for γ ≪ 1: 2.</summary>
    public double LazySlope => 2.0;

    /// <summary>The slope of log η* against log γ predicted for γ ≫ 1: 2/L.</summary>
    public double RichSlope => 2.0 / Depth;

    /// <summary>The raw SGD rate η(γ) = W · η₀ · γ^(2 or 2/L) for the base rate <paramref name="baseRate"/> η₀.</summary>
    public double LearningRate(double baseRate, double gamma)
    {
        if (!double.IsFinite(baseRate) || baseRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(baseRate), baseRate, "The base learning rate η₀ must be finite and positive.");
        return InRange(WidthFactor * baseRate * Math.Pow(gamma, Exponent(gamma)), gamma, "η = W·η₀·γ^e");
    }

    /// <summary>The base rate η₀ that <see cref="LearningRate"/> maps to <paramref name="rate"/> at <paramref name="gamma"/> (the inverse rule).</summary>
    public double BaseRate(double rate, double gamma)
    {
        if (!double.IsFinite(rate) || rate <= 0)
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The learning rate must be finite and positive.");
        return InRange(rate / (WidthFactor * Math.Pow(gamma, Exponent(gamma))), gamma, "η₀ = η / (W·γ^e)");
    }

    // γ far from 1 (1e200, 1e-200) takes γ^e out of float64's range: an infinite or zero rate would train nothing
    // or diverge for a reason that is not the rule's.
    private static double InRange(double value, double gamma, string rule) =>
        double.IsFinite(value) && value > 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(gamma), $"{rule} is {value:G3} at γ = {gamma:G3}, outside float64's range; use a γ closer to 1.");

    /// <summary>
    /// The rule for a fully connected network: L = hidden layers + 1, W = last hidden width for
    /// <see cref="Parameterization.MeanField"/> and 1 otherwise. A mean-field network with a readout bias is
    /// rejected: the bias's NTK contribution is O(1), not O(1/N), so the rate W·η₀ would move it N times too fast.
    /// </summary>
    public static FeatureStrengthScaling For(FullyConnectedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var o = network.Options;
        int depth = o.HiddenWidths.Length + 1;
        if (o.Parameterization != Parameterization.MeanField) return new FeatureStrengthScaling(depth, 1.0);
        if (o.UseBias)
            throw new ArgumentException(
                "The feature-strength rate rule for a mean-field network assumes no readout bias (its NTK term is O(1), " +
                "not O(1/width)); build the network with UseBias = false.", nameof(network));
        int readoutFanIn = o.HiddenWidths.Length > 0 ? o.HiddenWidths[^1] : o.InputDimension;
        return new FeatureStrengthScaling(depth, readoutFanIn);
    }

    /// <summary>
    /// The rule for <paramref name="network"/>: a <see cref="FullyConnectedNetwork"/>, a <see cref="CenteredNetwork"/>
    /// around one, or any module implementing <see cref="IFeatureStrengthArchitecture"/>.
    /// </summary>
    public static FeatureStrengthScaling For(NetworkModule network) => network switch
    {
        null => throw new ArgumentNullException(nameof(network)),
        CenteredNetwork c => For(c.Network),
        FullyConnectedNetwork f => For(f),
        IFeatureStrengthArchitecture a => new FeatureStrengthScaling(a.Depth, a.LearningRateWidthFactor),
        _ => throw new ArgumentException(
            $"No feature-strength rate rule is known for {network.GetType().Name}: implement {nameof(IFeatureStrengthArchitecture)} " +
            $"or construct {nameof(FeatureStrengthScaling)} with its depth and width factor.", nameof(network)),
    };
}
