namespace Catapults.ML.Training;

/// <summary>η at every step.</summary>
public sealed record ConstantSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public ConstantSchedule(double learningRate)
    {
        LearningRateCheck.Require(learningRate, nameof(learningRate));
        LearningRate = learningRate;
    }

    /// <summary>The constant rate.</summary>
    public double LearningRate { get; }

    /// <inheritdoc />
    public double LearningRateAt(int step) => LearningRate;
}
