using Catapults.ML.Features;

namespace Catapults.ML.Probes;

/// <summary>Options of <see cref="AgopAlignmentProbe"/>: the cadence (default every 100 steps, the first weights of each run and the final weights) and the AGOP.</summary>
public sealed class AgopAlignmentProbeOptions : ProbeOptions
{
    /// <summary>Creates the options with the default interval, 100 steps.</summary>
    public AgopAlignmentProbeOptions() : base(100) { }

    /// <summary>Compare G^p with G*^p (see <see cref="AgopAlignment.Cosine"/>); default 1.</summary>
    public double MatrixPower { get; set; } = 1.0;

    /// <summary>
    /// Use only the first this many inputs for the AGOP; default null (all of them). The AGOP of m samples costs one
    /// forward and O backward passes over m samples plus O·m·d² for the outer products.
    /// </summary>
    public int? MaxSamples { get; set; }

    /// <summary>
    /// How the AGOP is streamed (batch size, centring); default <see cref="AgopOptions"/>' defaults. Its
    /// <see cref="AgopOptions.Power"/> must stay 1 (use <see cref="MatrixPower"/>, which applies to both sides), and
    /// <see cref="AgopOptions.PerOutput"/> requires a per-output reference [O, d, d].
    /// </summary>
    public AgopOptions Agop { get; set; } = new();

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!double.IsFinite(MatrixPower) || MatrixPower <= 0)
            throw new ArgumentException($"AgopAlignmentProbeOptions.MatrixPower must be finite and positive, got {MatrixPower}.", nameof(MatrixPower));
        if (MaxSamples is < 1) throw new ArgumentException($"AgopAlignmentProbeOptions.MaxSamples must be at least 1 when set, got {MaxSamples}.", nameof(MaxSamples));
        if (Agop is null) throw new ArgumentException("AgopAlignmentProbeOptions.Agop must not be null.", nameof(Agop));
        Agop.Validate();
        if (Agop.Power != 1.0)
            throw new ArgumentException("AgopAlignmentProbeOptions.Agop.Power must be 1; set MatrixPower to compare matrix powers of both AGOPs.", nameof(Agop));
    }
}
