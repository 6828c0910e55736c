namespace Catapults.ML.Features;

/// <summary>
/// Options of <see cref="Agop"/>. Post-processing is applied in this order: centring, matrix power, trace normalisation.
/// </summary>
public sealed class AgopOptions
{
    /// <summary>The default of <see cref="BatchSize"/>: 256 samples per batch.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>
    /// Samples per forward/backward batch; default <see cref="DefaultBatchSize"/> (256). Memory per batch is about the model's activations for this
    /// many samples plus one [batch, d] gradient; the d × d accumulators do not depend on it.
    /// </summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>
    /// Keep one AGOP per output, G_c = 1/n Σᵢ ∇ₓf_c(xᵢ)∇ₓf_c(xᵢ)ᵀ, returned as [O, d, d]; default false, which sums
    /// over outputs and returns [d, d]. Per-output AGOPs cost O·d² float64 values (760 MB at O = 10, d = 3072).
    /// </summary>
    public bool PerOutput { get; set; }

    /// <summary>
    /// Subtract the mean gradient: G_c = 1/n Σᵢ (gᵢ − ḡ)(gᵢ − ḡ)ᵀ per output (the gradient covariance); default false.
    /// A covariance whose trace is at most (32ε)² of the raw second moment tr(1/n Σᵢ gᵢgᵢᵀ), with ε the gradients' machine
    /// epsilon, is below what the gradients resolve and is returned as exactly zero (a linear model's, for one).
    /// </summary>
    public bool Center { get; set; }

    /// <summary>
    /// Return G^p (by symmetric eigendecomposition in float64, negative rounding eigenvalues set to 0); default 1.
    /// The neural feature ansatz and recursive feature machines use p = ½. Must be positive.
    /// </summary>
    public double Power { get; set; } = 1.0;

    /// <summary>Divide the result (each output's matrix when <see cref="PerOutput"/>) by its trace; default false.</summary>
    public bool NormalizeTrace { get; set; }

    /// <summary>A copy of these options.</summary>
    public AgopOptions Clone() => (AgopOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"AgopOptions.BatchSize must be at least 1, got {BatchSize}.", nameof(BatchSize));
        if (!double.IsFinite(Power) || Power <= 0)
            throw new ArgumentException($"AgopOptions.Power must be finite and positive (e.g. 0.5 for G^½), got {Power}.", nameof(Power));
    }
}
