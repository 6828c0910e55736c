using Catapults.ML.Data;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;

using Catapults.ML.Diagnostics;

namespace Catapults.ML.Probes;

/// <summary>
/// Options of <see cref="DiagnosticsProbe"/>: the cadence (default every step and the final weights) and what is
/// measured. Every default is stated; <see cref="Validate"/> names a bad option.
/// </summary>
public sealed class DiagnosticsOptions : ProbeOptions
{
    /// <summary>Creates the options with the default interval, every step.</summary>
    public DiagnosticsOptions() : base(1) { }

    /// <summary>
    /// Number k of top NTK eigenvalues λ₁..λ_k recorded on the probe set (0 = no spectrum, no projected losses); default 5.
    /// The probe kernel has (probe samples × outputs) eigenvalues, so a larger k records that many.
    /// </summary>
    public int EigenvalueCount { get; set; } = 5;

    /// <summary>
    /// The fixed probe set the NTK spectrum and projected losses are computed on; default null, meaning
    /// <see cref="ProbeSize"/> samples of the training set. Required for online training (no training set).
    /// The observer does not take ownership.
    /// </summary>
    public TensorDataset? ProbeSet { get; set; }

    /// <summary>
    /// Size of the probe set drawn from the training set when <see cref="ProbeSet"/> is null; default 256. A
    /// training set of at most this many samples is used whole, in order (so in full-batch GD the probe kernel is
    /// the training kernel).
    /// </summary>
    public int ProbeSize { get; set; } = 256;

    /// <summary>Seed of the probe-set draw (its own generator); default 0.</summary>
    public long ProbeSeed { get; set; }

    /// <summary>
    /// Compute the full training loss L(w_t) at each record; default true. In full-batch GD it is the batch loss
    /// and costs nothing. The catapult detector reads the full loss when present, else the batch loss.
    /// </summary>
    public bool RecordFullLoss { get; set; } = true;

    /// <summary>When to compute η_crit of the current batch; default <see cref="CriticalRateCadence.AtRecords"/>.</summary>
    public CriticalRateCadence CriticalRate { get; set; } = CriticalRateCadence.AtRecords;

    /// <summary>Report the catapults that a <see cref="CatapultDetector"/> finds in the recorded loss series (with λ₁); default true.</summary>
    public bool DetectCatapults { get; set; } = true;

    /// <summary>How the probe kernel is computed; default automatic choice.</summary>
    public NtkOptions Ntk { get; set; } = new();

    /// <summary>Eigensolver options for the probe spectrum; default <see cref="LanczosOptions"/>'s (warm-started between records).</summary>
    public LanczosOptions Lanczos { get; set; } = new();

    /// <summary>Options of the batch critical learning rate; default <see cref="CriticalLearningRateOptions"/>'s.</summary>
    public CriticalLearningRateOptions CriticalRateOptions { get; set; } = new();

    /// <summary>Options of the catapult detector; default <see cref="CatapultDetectorOptions"/>'s.</summary>
    public CatapultDetectorOptions Detector { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public override void Validate()
    {
        base.Validate();
        if (EigenvalueCount < 0) throw new ArgumentException($"DiagnosticsOptions.EigenvalueCount must be ≥ 0, got {EigenvalueCount}.", nameof(EigenvalueCount));
        if (ProbeSize < 1) throw new ArgumentException($"DiagnosticsOptions.ProbeSize must be at least 1, got {ProbeSize}.", nameof(ProbeSize));
        OptionChecks.RequireDefined(CriticalRate, $"DiagnosticsOptions.{nameof(CriticalRate)}", nameof(CriticalRate));
        if (Ntk is null) throw new ArgumentException("DiagnosticsOptions.Ntk must not be null.", nameof(Ntk));
        if (Lanczos is null) throw new ArgumentException("DiagnosticsOptions.Lanczos must not be null.", nameof(Lanczos));
        if (CriticalRateOptions is null) throw new ArgumentException("DiagnosticsOptions.CriticalRateOptions must not be null.", nameof(CriticalRateOptions));
        CriticalRateOptions.Validate();
        if (Detector is null) throw new ArgumentException("DiagnosticsOptions.Detector must not be null.", nameof(Detector));
        Ntk.Validate();
        Lanczos.Validate();
        Detector.Validate();
    }
}
