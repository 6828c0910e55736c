using Catapults.ML.Spectra;

namespace Catapults.ML.Probes;

/// <summary>Options of <see cref="SharpnessProbe"/>: the cadence (default every 10 steps and the final weights) and the solve.</summary>
public sealed class SharpnessProbeOptions : ProbeOptions
{
    /// <summary>Creates the options with the default interval, 10 steps.</summary>
    public SharpnessProbeOptions() : base(10) { }

    /// <summary>Hessian options (training subset, chunking).</summary>
    public HessianOptions Hessian { get; set; } = new();

    /// <summary>Solver options (default: largest algebraic eigenvalue, tolerance 1e-4).</summary>
    public LanczosOptions Lanczos { get; set; } = new() { Tolerance = 1e-4 };

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        ArgumentNullException.ThrowIfNull(Hessian, nameof(Hessian));
        ArgumentNullException.ThrowIfNull(Lanczos, nameof(Lanczos));
        Hessian.Validate();
        Lanczos.Validate();
    }
}
