namespace Catapults.ML.Probes;

/// <summary>
/// The cadence every probe shares: measure at the weights w_t of every step t divisible by <see cref="Every"/> (so
/// step 0 is the initial weights), and once more at the final weights. Each probe's options derive from this class
/// and state their own default interval.
/// </summary>
public abstract class ProbeOptions
{
    /// <summary>Creates the options with the probe's default interval.</summary>
    protected ProbeOptions(int every) => Every = every;

    /// <summary>Measure at w_t for every step t with t mod Every = 0, before step t's update. Each probe states its default.</summary>
    public int Every { get; set; }

    /// <summary>Also measure at the final weights of a run that did not diverge; default true.</summary>
    public bool RecordFinal { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public virtual void Validate()
    {
        if (Every < 1) throw new ArgumentException($"{GetType().Name}.Every must be at least 1, got {Every}.", nameof(Every));
    }
}
