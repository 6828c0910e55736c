using Catapults.ML.Runtime;

namespace Catapults.ML.Training;

/// <summary>Linear warm-up from 0 to the peak over <c>warmupSteps</c>, then decay to a final rate at <c>totalSteps</c>.</summary>
public sealed class WarmupDecaySchedule : ILearningRateSchedule
{
    /// <summary>
    /// Creates the schedule. With <paramref name="totalSteps"/> = <paramref name="warmupSteps"/> the decay has no length:
    /// the rate is <paramref name="finalRate"/> from the end of the warm-up on (a constant rate is <see cref="ConstantSchedule"/>).
    /// </summary>
    public WarmupDecaySchedule(double peakRate, int warmupSteps, int totalSteps, DecayKind decay = DecayKind.Cosine, double finalRate = 0)
    {
        LearningRateCheck.Require(peakRate, nameof(peakRate));
        if (finalRate < 0 || !double.IsFinite(finalRate)) throw new ArgumentOutOfRangeException(nameof(finalRate), finalRate, "Final rate must be finite and ≥ 0.");
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "Warm-up steps must be ≥ 0.");
        if (totalSteps < warmupSteps) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "Total steps must be ≥ warm-up steps.");
        // An undefined kind would otherwise decay as a cosine without a word.
        OptionChecks.RequireDefined(decay, "The decay", nameof(decay));
        PeakRate = peakRate; WarmupSteps = warmupSteps; TotalSteps = totalSteps; Decay = decay; FinalRate = finalRate;
    }

    /// <summary>Rate at the end of warm-up.</summary>
    public double PeakRate { get; }
    /// <summary>Length of the warm-up.</summary>
    public int WarmupSteps { get; }
    /// <summary>Step at which the decay reaches <see cref="FinalRate"/>.</summary>
    public int TotalSteps { get; }
    /// <summary>Decay shape.</summary>
    public DecayKind Decay { get; }
    /// <summary>Rate after the decay.</summary>
    public double FinalRate { get; }

    /// <inheritdoc />
    public double LearningRateAt(int step)
    {
        if (step < WarmupSteps) return PeakRate * (step + 1) / WarmupSteps;
        if (Decay == DecayKind.None) return PeakRate;
        // From TotalSteps on the decay is over, also when it has no length (TotalSteps = WarmupSteps).
        if (step >= TotalSteps) return FinalRate;
        double t = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        double shape = Decay == DecayKind.Linear ? 1 - t : 0.5 * (1 + Math.Cos(Math.PI * t));
        return FinalRate + (PeakRate - FinalRate) * shape;
    }
}
