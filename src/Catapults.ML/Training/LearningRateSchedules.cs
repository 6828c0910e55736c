namespace Catapults.ML.Training;

/// <summary>A learning rate for each step (steps count from 0).</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate used by step <paramref name="step"/>.</summary>
    double LearningRateAt(int step);
}

/// <summary>η at every step.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public ConstantSchedule(double learningRate)
    {
        Schedules.CheckRate(learningRate, nameof(learningRate));
        LearningRate = learningRate;
    }

    /// <summary>The constant rate.</summary>
    public double LearningRate { get; }

    /// <inheritdoc />
    public double LearningRateAt(int step) => LearningRate;
}

/// <summary>
/// Piecewise-constant rates set at given steps: the multiple-catapult schedule, where each milestone raises η above
/// the current critical rate. Before the first milestone the initial rate applies; from step s of a milestone on,
/// its rate applies until the next.
/// </summary>
public sealed class MilestoneSchedule : ILearningRateSchedule
{
    private readonly (int Step, double Rate)[] _milestones;

    /// <summary>Creates the schedule; milestone steps must be distinct and non-negative.</summary>
    public MilestoneSchedule(double initialRate, IEnumerable<(int Step, double Rate)> milestones)
    {
        Schedules.CheckRate(initialRate, nameof(initialRate));
        _milestones = milestones.OrderBy(m => m.Step).ToArray();
        for (int i = 0; i < _milestones.Length; i++)
        {
            if (_milestones[i].Step < 0) throw new ArgumentException($"Milestone step {_milestones[i].Step} is negative.", nameof(milestones));
            if (i > 0 && _milestones[i].Step == _milestones[i - 1].Step)
                throw new ArgumentException($"Two milestones at step {_milestones[i].Step}.", nameof(milestones));
            Schedules.CheckRate(_milestones[i].Rate, nameof(milestones));
        }
        InitialRate = initialRate;
    }

    /// <summary>Rate before the first milestone.</summary>
    public double InitialRate { get; }

    /// <summary>The milestones, in step order.</summary>
    public IReadOnlyList<(int Step, double Rate)> Milestones => _milestones;

    /// <inheritdoc />
    public double LearningRateAt(int step)
    {
        double rate = InitialRate;
        foreach (var (s, r) in _milestones)
        {
            if (s > step) break;
            rate = r;
        }
        return rate;
    }
}

/// <summary>How <see cref="WarmupDecaySchedule"/> decays after warm-up.</summary>
public enum DecayKind
{
    /// <summary>Stay at the peak.</summary>
    None,
    /// <summary>Linear to the final rate at the last step.</summary>
    Linear,
    /// <summary>Half-cosine to the final rate at the last step.</summary>
    Cosine,
}

/// <summary>Linear warm-up from 0 to the peak over <c>warmupSteps</c>, then decay to a final rate at <c>totalSteps</c>.</summary>
public sealed class WarmupDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public WarmupDecaySchedule(double peakRate, int warmupSteps, int totalSteps, DecayKind decay = DecayKind.Cosine, double finalRate = 0)
    {
        Schedules.CheckRate(peakRate, nameof(peakRate));
        if (finalRate < 0 || !double.IsFinite(finalRate)) throw new ArgumentOutOfRangeException(nameof(finalRate), finalRate, "Final rate must be finite and ≥ 0.");
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "Warm-up steps must be ≥ 0.");
        if (totalSteps < warmupSteps) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "Total steps must be ≥ warm-up steps.");
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
        if (Decay == DecayKind.None || TotalSteps == WarmupSteps) return PeakRate;
        double t = Math.Clamp((double)(step - WarmupSteps) / (TotalSteps - WarmupSteps), 0, 1);
        double shape = Decay == DecayKind.Linear ? 1 - t : 0.5 * (1 + Math.Cos(Math.PI * t));
        return FinalRate + (PeakRate - FinalRate) * shape;
    }
}

/// <summary>
/// A rate that a program changes during training (from an observer, a UI, or a controller): the trainer reads it
/// before every step. Thread-safe.
/// </summary>
public sealed class AdjustableSchedule : ILearningRateSchedule
{
    private double _rate;

    /// <summary>Creates the schedule with a starting rate.</summary>
    public AdjustableSchedule(double initialRate)
    {
        Schedules.CheckRate(initialRate, nameof(initialRate));
        _rate = initialRate;
    }

    /// <summary>The current rate; setting it takes effect from the next step.</summary>
    public double LearningRate
    {
        get => Volatile.Read(ref _rate);
        set
        {
            Schedules.CheckRate(value, nameof(value));
            Volatile.Write(ref _rate, value);
        }
    }

    /// <inheritdoc />
    public double LearningRateAt(int step) => LearningRate;
}

internal static class Schedules
{
    internal static void CheckRate(double rate, string name)
    {
        if (!double.IsFinite(rate) || rate <= 0)
            throw new ArgumentOutOfRangeException(name, rate, "A learning rate must be finite and positive.");
    }
}
