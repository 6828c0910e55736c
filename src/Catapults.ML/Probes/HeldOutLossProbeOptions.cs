namespace Catapults.ML.Probes;

/// <summary>Options of <see cref="HeldOutLossProbe"/>: the cadence (default every 10 steps and the final weights).</summary>
public sealed class HeldOutLossProbeOptions : ProbeOptions
{
    /// <summary>Creates the options with the default interval, 10 steps.</summary>
    public HeldOutLossProbeOptions() : base(10) { }
}
