namespace Catapults.ML.Diagnostics;

/// <summary>Options of <see cref="CatapultDetector"/>. Every default is stated; <see cref="Validate"/> names a bad option.</summary>
/// <remarks>
/// The defaults suit the full training loss of GD or SGD recorded every step or every few steps. For a raw
/// mini-batch loss (noisy by a factor of several) use <see cref="ForMiniBatchLoss"/>, or better feed the full loss
/// (<see cref="Probes.ProbeOptions.Every"/>).
/// </remarks>
public sealed class CatapultDetectorOptions
{
    /// <summary>
    /// Width of the centred running median applied to the loss before detection (odd; 1 = none); default 3, which
    /// removes single-point outliers but keeps any spike at least two points wide.
    /// </summary>
    public int SmoothingWindow { get; set; } = 3;

    /// <summary>An episode starts when the smoothed loss exceeds this factor times its recent minimum; default 2.</summary>
    public double RiseFactor { get; set; } = 2.0;

    /// <summary>
    /// An episode ends at the first point after its rise where the smoothed loss is at or below this factor times
    /// the loss at its start ("falls back below its pre-spike level"); default 1. The peak lies between the two.
    /// </summary>
    public double ReturnFactor { get; set; } = 1.0;

    /// <summary>
    /// Number of preceding points the "recent minimum" is taken over; default 50. It bounds how slow a rise may be
    /// and keeps an old low outlier from counting as the pre-spike level.
    /// </summary>
    public int BaselineWindow { get; set; } = 50;

    /// <summary>
    /// When λ_max is known both before and after an episode, require it to be lower afterwards (the definition of a catapult
    /// in the README's Conventions); default true. Episodes failing this are reported in <see cref="CatapultDetector.Spikes"/> only.
    /// </summary>
    public bool RequireSharpnessDecrease { get; set; } = true;

    /// <summary>
    /// A preset for a raw mini-batch loss curve recorded every step without λ_max (for example a cell of the
    /// feature-strength sweep, where each step sees fresh samples): <see cref="SmoothingWindow"/> 9, so that a rise
    /// must last at least five steps and the batch-to-batch noise (and single heavy-tailed batches) is filtered out;
    /// <see cref="RiseFactor"/> 4, well above the spread of a 9-point running median of a loss whose log varies by
    /// about ±0.5 from batch to batch; <see cref="ReturnFactor"/> 1.5, because the pre-spike level is the minimum of
    /// the noisy smoothed curve over <see cref="BaselineWindow"/> 50 points and so lies below its typical value;
    /// <see cref="RequireSharpnessDecrease"/> false, because the curve carries no λ.
    /// </summary>
    public static CatapultDetectorOptions ForMiniBatchLoss() => new()
    {
        SmoothingWindow = 9,
        RiseFactor = 4.0,
        ReturnFactor = 1.5,
        BaselineWindow = 50,
        RequireSharpnessDecrease = false,
    };

    /// <summary>A shallow copy.</summary>
    public CatapultDetectorOptions Clone() => (CatapultDetectorOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (SmoothingWindow < 1 || SmoothingWindow % 2 == 0)
            throw new ArgumentException($"SmoothingWindow must be a positive odd number, got {SmoothingWindow}.", nameof(SmoothingWindow));
        if (!(RiseFactor > 1) || !double.IsFinite(RiseFactor)) throw new ArgumentException($"RiseFactor must be finite and > 1, got {RiseFactor}.", nameof(RiseFactor));
        if (!(ReturnFactor >= 1) || !(ReturnFactor < RiseFactor))
            throw new ArgumentException($"ReturnFactor must be in [1, RiseFactor), got {ReturnFactor}.", nameof(ReturnFactor));
        if (BaselineWindow < 1) throw new ArgumentException($"BaselineWindow must be at least 1, got {BaselineWindow}.", nameof(BaselineWindow));
    }
}
