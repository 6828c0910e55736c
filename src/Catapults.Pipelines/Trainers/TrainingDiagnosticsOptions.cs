namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Settings of the training diagnostics a trainer can record alongside its step records: the top of the NTK spectrum
/// on a probe subset of the training data, the critical learning rate, and catapult episodes. Every default is stated.
/// </summary>
/// <remarks>
/// The diagnostics observer itself lives in the engine; this build of the pipeline layer validates and saves these
/// settings, and <c>Fit</c> refuses <see cref="Enabled"/> = true with <see cref="NotSupportedException"/> rather than
/// ignoring it, until the diagnostics are attached to the training report.
/// </remarks>
public sealed class TrainingDiagnosticsOptions
{
    /// <summary>Whether to record diagnostics; default false (training then costs nothing extra).</summary>
    public bool Enabled { get; set; }

    /// <summary>Record diagnostics every this many steps (the cadence); default 10.</summary>
    public int Every { get; set; } = 10;

    /// <summary>Number of top NTK eigenvalues to track (top-k); default 1 (λ_max, which sets η_crit = b/λ_max).</summary>
    public int TopEigenvalueCount { get; set; } = 1;

    /// <summary>Number of training samples in the fixed probe set the NTK is computed on; default 256.</summary>
    public int ProbeSize { get; set; } = 256;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Every < 1) throw new ArgumentException($"Diagnostics.Every must be at least 1, got {Every}.", nameof(Every));
        if (TopEigenvalueCount < 1)
            throw new ArgumentException($"Diagnostics.TopEigenvalueCount must be at least 1, got {TopEigenvalueCount}.", nameof(TopEigenvalueCount));
        if (ProbeSize < 1) throw new ArgumentException($"Diagnostics.ProbeSize must be at least 1, got {ProbeSize}.", nameof(ProbeSize));
    }

    /// <summary>A copy of these settings.</summary>
    public TrainingDiagnosticsOptions Clone() => new()
    {
        Enabled = Enabled, Every = Every, TopEigenvalueCount = TopEigenvalueCount, ProbeSize = ProbeSize,
    };
}
