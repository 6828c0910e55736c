namespace Catapults.ML.Probes;

/// <summary>When the diagnostics probe computes the critical learning rate of the current batch.</summary>
public enum CriticalRateCadence
{
    /// <summary>Never.</summary>
    Off,
    /// <summary>At the recorded steps only (every <see cref="ProbeOptions.Every"/> steps).</summary>
    AtRecords,
    /// <summary>At every step (cheap for batches of a few dozen samples; see the ntk-eigen benchmark).</summary>
    EveryStep,
}
