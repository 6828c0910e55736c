using Catapults.ML.Data;
using Catapults.ML.Spectra;

namespace Catapults.ML.Diagnostics;

/// <summary>When the diagnostics observer computes the critical learning rate of the current batch.</summary>
public enum CriticalRateCadence
{
    /// <summary>Never.</summary>
    Off,
    /// <summary>At the recorded steps only (every <see cref="DiagnosticsOptions.RecordEvery"/> steps).</summary>
    AtRecords,
    /// <summary>At every step (cheap for batches of a few dozen samples; see the ntk-eigen benchmark).</summary>
    EveryStep,
}

/// <summary>Options of <see cref="DiagnosticsObserver"/>. Every default is stated; <see cref="Validate"/> names a bad option.</summary>
public sealed class DiagnosticsOptions
{
    /// <summary>Record at steps t with t mod RecordEvery = 0 (at the weights w_t before the update); default 1.</summary>
    public int RecordEvery { get; set; } = 1;

    /// <summary>Also record at the final weights when training ends without diverging; default true.</summary>
    public bool RecordFinal { get; set; } = true;

    /// <summary>Number k of top NTK eigenvalues λ₁..λ_k recorded on the probe set (0 = no spectrum, no projected losses); default 5.</summary>
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

    /// <summary>Feed the loss stream (with λ₁) to a <see cref="CatapultDetector"/>; default true.</summary>
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
    public void Validate()
    {
        if (RecordEvery < 1) throw new ArgumentException($"RecordEvery must be at least 1, got {RecordEvery}.", nameof(RecordEvery));
        if (EigenvalueCount < 0) throw new ArgumentException($"EigenvalueCount must be ≥ 0, got {EigenvalueCount}.", nameof(EigenvalueCount));
        if (ProbeSize < 1) throw new ArgumentException($"ProbeSize must be at least 1, got {ProbeSize}.", nameof(ProbeSize));
        if (!Enum.IsDefined(CriticalRate)) throw new ArgumentException($"CriticalRate must be a CriticalRateCadence, got {CriticalRate}.", nameof(CriticalRate));
        if (Ntk is null) throw new ArgumentException("Ntk must not be null.", nameof(Ntk));
        if (Lanczos is null) throw new ArgumentException("Lanczos must not be null.", nameof(Lanczos));
        if (CriticalRateOptions is null) throw new ArgumentException("CriticalRateOptions must not be null.", nameof(CriticalRateOptions));
        if (Detector is null) throw new ArgumentException("Detector must not be null.", nameof(Detector));
        Ntk.Validate();
        Lanczos.Validate();
        Detector.Validate();
    }
}
