using Catapults.ML.Spectra;

namespace Catapults.ML.Probes;

/// <summary>
/// Options of <see cref="CriticalRateProbe"/>: the cadence (default every 10 steps and the final weights), the solve,
/// and whether each solve starts from the previous top eigenvector.
/// </summary>
public sealed class CriticalRateProbeOptions : ProbeOptions
{
    /// <summary>Creates the options with the default interval, 10 steps.</summary>
    public CriticalRateProbeOptions() : base(10) { }

    /// <summary>NTK method and eigensolver of each measurement; default <see cref="CriticalLearningRateOptions"/>' defaults.</summary>
    public CriticalLearningRateOptions CriticalRate { get; set; } = new();

    /// <summary>
    /// Start each solve from the previous top eigenvector (kept in the probe's state); default true. Off, every solve
    /// starts afresh, so a measurement depends on the weights alone: a run resumed without the probe's state then
    /// measures exactly what an uninterrupted one does.
    /// </summary>
    public bool WarmStart { get; set; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (CriticalRate is null) throw new ArgumentException("CriticalRateProbeOptions.CriticalRate must not be null.", nameof(CriticalRate));
        CriticalRate.Validate();
    }
}
