using Catapults.ML.Spectra;

namespace Catapults.ML.Diagnostics;

/// <summary>Options of <see cref="SharpnessObserver"/>.</summary>
public sealed class SharpnessObserverOptions
{
    /// <summary>Measure every this many steps (default 10), at w_t before step t's update.</summary>
    public int Every { get; set; } = 10;

    /// <summary>Also measure at the final weights (default true).</summary>
    public bool RecordFinal { get; set; } = true;

    /// <summary>Hessian options (training subset, chunking).</summary>
    public HessianOptions Hessian { get; set; } = new();

    /// <summary>Solver options (default: largest algebraic eigenvalue, tolerance 1e-4).</summary>
    public LanczosOptions Lanczos { get; set; } = new() { Tolerance = 1e-4 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Every < 1) throw new ArgumentException($"SharpnessObserverOptions.Every must be at least 1, got {Every}.", nameof(Every));
        ArgumentNullException.ThrowIfNull(Hessian, nameof(Hessian));
        ArgumentNullException.ThrowIfNull(Lanczos, nameof(Lanczos));
        Hessian.Validate();
        Lanczos.Validate();
    }
}
