using Catapults.ML.Diagnostics;
using Catapults.ML.Probes;
using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Settings of the training diagnostics a trainer can record alongside its step records: the top of the NTK spectrum
/// on a probe subset of the training data, the critical learning rate, and catapult episodes. Every default is stated.
/// </summary>
/// <remarks>
/// When <see cref="Enabled"/> is true, <c>Fit</c> attaches the engine's <see cref="DiagnosticsProbe"/> built from
/// these settings and adds its tables to the training report (<see cref="TrainingReport.Diagnostics"/>,
/// <see cref="TrainingReport.CatapultEvents"/>, <see cref="TrainingReport.CriticalRates"/>); they are saved with the model.
/// </remarks>
public sealed class TrainingDiagnosticsOptions
{
    // The settings this face shares with the engine's observer take the engine's defaults; only the cadence and the
    // spectrum's size differ here (every 10 steps and λ_max alone: a trainer's diagnostics should cost little).
    private static readonly DiagnosticsOptions EngineDefaults = new();

    /// <summary>Whether to record diagnostics; default false (training then costs nothing extra).</summary>
    public bool Enabled { get; set; }

    /// <summary>Record diagnostics every this many steps (the cadence); default 10.</summary>
    public int Every { get; set; } = 10;

    /// <summary>
    /// Number of top NTK eigenvalues to track on the probe set (top-k); default 1 (λ_max of the probe set, which a
    /// catapult must lower); 0 records no spectrum, and then no catapults are counted (a spike cannot be told from a
    /// catapult without λ_max): <see cref="TrainingReport.CatapultCount"/> is null. The probe kernel has (probe samples ×
    /// outputs) eigenvalues, so a larger k records that many. The critical rate η_crit = b/λ_max comes from the current
    /// batch's own kernel (<see cref="CriticalRate"/>), whatever this is.
    /// </summary>
    public int TopEigenvalueCount { get; set; } = 1;

    /// <summary>Number of training samples in the fixed probe set the NTK is computed on; default 256, the engine's (<see cref="DiagnosticsOptions.ProbeSize"/>). A training set of at most this many samples is used whole.</summary>
    public int ProbeSize { get; set; } = EngineDefaults.ProbeSize;

    /// <summary>
    /// When to compute the critical learning rate η_crit of the current batch; default
    /// <see cref="CriticalRateCadence.AtRecords"/> (every <see cref="Every"/> steps).
    /// </summary>
    public CriticalRateCadence CriticalRate { get; set; } = EngineDefaults.CriticalRate;

    /// <summary>
    /// Detect catapult episodes in the recorded losses; default true. Off (or with <see cref="TopEigenvalueCount"/> 0)
    /// the report has no catapult table, and <see cref="TrainingReport.CatapultCount"/> is null: not measured, not zero.
    /// </summary>
    public bool DetectCatapults { get; set; } = EngineDefaults.DetectCatapults;

    // Catapults are counted only where they were looked for and can be told from spikes (λ_max recorded): otherwise a
    // count would read 0, or count every spike, instead of "not measured". Training and loading an archive both ask.
    internal bool CountsCatapults => DetectCatapults && TopEigenvalueCount > 0;

    /// <summary>The engine observer's options for these settings (probe drawn from the training set with <paramref name="seed"/>).</summary>
    public DiagnosticsOptions ToObserverOptions(long seed)
    {
        Validate();
        return new DiagnosticsOptions
        {
            Every = Every,
            EigenvalueCount = TopEigenvalueCount,
            ProbeSize = ProbeSize,
            ProbeSeed = seed,
            CriticalRate = CriticalRate,
            DetectCatapults = DetectCatapults,
            // Without a spectrum there is no sharpness to confirm a catapult by; detect on the loss alone.
            Detector = new CatapultDetectorOptions { RequireSharpnessDecrease = TopEigenvalueCount > 0 },
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Every < 1) throw new ArgumentException($"Diagnostics.Every must be at least 1, got {Every}.", nameof(Every));
        if (TopEigenvalueCount < 0)
            throw new ArgumentException($"Diagnostics.TopEigenvalueCount must be at least 0, got {TopEigenvalueCount}.", nameof(TopEigenvalueCount));
        OptionChecks.RequireDefined(CriticalRate, "Diagnostics.CriticalRate", nameof(CriticalRate));
        if (ProbeSize < 1) throw new ArgumentException($"Diagnostics.ProbeSize must be at least 1, got {ProbeSize}.", nameof(ProbeSize));
    }

    /// <summary>A copy of these settings.</summary>
    public TrainingDiagnosticsOptions Clone() => (TrainingDiagnosticsOptions)MemberwiseClone();
}
