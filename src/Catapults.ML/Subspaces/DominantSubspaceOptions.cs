using Catapults.ML.Runtime;
using Catapults.ML.Spectra;

namespace Catapults.ML.Subspaces;

/// <summary>Options of <see cref="DominantSubspaceTransform"/> (Dom-SGD / Bulk-SGD).</summary>
public sealed class DominantSubspaceOptions
{
    /// <summary>What to do with the update after the switch (default <see cref="ProjectedUpdateMode.Dominant"/>).</summary>
    public ProjectedUpdateMode Mode { get; set; } = ProjectedUpdateMode.Dominant;

    /// <summary>Dimension k of the dominant subspace (default 1; the study uses the number of outputs).</summary>
    public int Rank { get; set; } = 1;

    /// <summary>Recompute the top-k eigenspace every T steps (default 1: every step).</summary>
    public int RefreshEvery { get; set; } = 1;

    /// <summary>Switch from plain updates at this step (default null: only the alignment rule, if set, switches).</summary>
    public int? SwitchAtStep { get; set; }

    /// <summary>
    /// Switch when χ_k(g) = ‖P_k g‖/‖g‖ of the batch gradient is at least this value for
    /// <see cref="AlignmentPatience"/> consecutive checks (default null: off). The gradient is the one the step is
    /// taken with: under sharpness-aware minimisation, the gradient at the ascent point w + ε, not at w (the Hessian's
    /// eigenspace is still taken at w). With neither this nor
    /// <see cref="SwitchAtStep"/> set, the transform projects from the first step.
    /// </summary>
    public double? AlignmentThreshold { get; set; }

    /// <summary>Consecutive checks χ_k ≥ <see cref="AlignmentThreshold"/> needed to switch (default 3).</summary>
    public int AlignmentPatience { get; set; } = 3;

    /// <summary>Check the alignment rule every this many steps before the switch (default 10).</summary>
    public int AlignmentCheckEvery { get; set; } = 10;

    /// <summary>Options of the Hessian (training subset, chunking). Default: the whole training set, chunks of 1024.</summary>
    public HessianOptions Hessian { get; set; } = new();

    /// <summary>Solver options (default: largest algebraic, tolerance 1e-4, suited to float32 products).</summary>
    public LanczosOptions Lanczos { get; set; } = new() { Tolerance = 1e-4 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        OptionChecks.RequireDefined(Mode, "DominantSubspaceOptions.Mode", nameof(Mode));
        if (Rank < 1) throw new ArgumentException($"DominantSubspaceOptions.Rank must be at least 1, got {Rank}.", nameof(Rank));
        if (RefreshEvery < 1) throw new ArgumentException($"DominantSubspaceOptions.RefreshEvery must be at least 1, got {RefreshEvery}.", nameof(RefreshEvery));
        if (SwitchAtStep is int s && s < 0) throw new ArgumentException($"DominantSubspaceOptions.SwitchAtStep must be ≥ 0, got {s}.", nameof(SwitchAtStep));
        if (AlignmentThreshold is double t && !(t > 0 && t <= 1))
            throw new ArgumentException($"DominantSubspaceOptions.AlignmentThreshold must be in (0, 1], got {t}.", nameof(AlignmentThreshold));
        if (AlignmentPatience < 1) throw new ArgumentException($"DominantSubspaceOptions.AlignmentPatience must be at least 1, got {AlignmentPatience}.", nameof(AlignmentPatience));
        if (AlignmentCheckEvery < 1) throw new ArgumentException($"DominantSubspaceOptions.AlignmentCheckEvery must be at least 1, got {AlignmentCheckEvery}.", nameof(AlignmentCheckEvery));
        ArgumentNullException.ThrowIfNull(Hessian, nameof(Hessian));
        ArgumentNullException.ThrowIfNull(Lanczos, nameof(Lanczos));
        Hessian.Validate();
        Lanczos.Validate();
    }
}
