using Catapults.ML.Spectra;

namespace Catapults.ML.Probes;

/// <summary>Options of <see cref="SubspaceAlignmentProbe"/>: the cadence (default every 10 steps and the final weights) and the solve.</summary>
public sealed class SubspaceAlignmentProbeOptions : ProbeOptions
{
    /// <summary>Creates the options with the default interval, 10 steps.</summary>
    public SubspaceAlignmentProbeOptions() : base(10) { }

    /// <summary>Dimension k of the dominant subspace (default 1).</summary>
    public int Rank { get; set; } = 1;

    /// <summary>Hessian options (training subset, chunking). The gradient is taken over the same samples.</summary>
    public HessianOptions Hessian { get; set; } = new();

    /// <summary>Solver options (default tolerance 1e-4).</summary>
    public LanczosOptions Lanczos { get; set; } = new() { Tolerance = 1e-4 };

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Rank < 1) throw new ArgumentException($"SubspaceAlignmentProbeOptions.Rank must be at least 1, got {Rank}.", nameof(Rank));
        ArgumentNullException.ThrowIfNull(Hessian, nameof(Hessian));
        ArgumentNullException.ThrowIfNull(Lanczos, nameof(Lanczos));
        Hessian.Validate();
        Lanczos.Validate();
    }
}
