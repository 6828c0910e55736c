namespace Catapults.ML.Training;

/// <summary>
/// A rate that a program changes during training (from an observer, a UI, or a controller): the trainer reads it
/// before every step. Thread-safe. The rates a run took from it come back as a <see cref="MilestoneSchedule"/> in
/// <see cref="TrainingResult.RealisedSchedule"/>.
/// </summary>
public sealed class AdjustableSchedule : ILearningRateSchedule
{
    private double _rate;

    /// <summary>Creates the schedule with a starting rate.</summary>
    public AdjustableSchedule(double initialRate)
    {
        LearningRateCheck.Require(initialRate, nameof(initialRate));
        _rate = initialRate;
    }

    /// <summary>The current rate; setting it takes effect from the next step.</summary>
    public double LearningRate
    {
        get => Volatile.Read(ref _rate);
        set
        {
            LearningRateCheck.Require(value, nameof(value));
            Volatile.Write(ref _rate, value);
        }
    }

    /// <inheritdoc />
    public double LearningRateAt(int step) => LearningRate;
}
