using System.Text.Json.Serialization;

namespace Catapults.ML.Training;

/// <summary>
/// A learning rate for each step (steps count from 0). The schedules that describe a run (<see cref="ConstantSchedule"/>,
/// <see cref="MilestoneSchedule"/>, <see cref="WarmupDecaySchedule"/>) serialise to JSON with a <c>kind</c>
/// discriminator, so a training description round-trips through a file.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ConstantSchedule), "constant")]
[JsonDerivedType(typeof(MilestoneSchedule), "milestones")]
[JsonDerivedType(typeof(WarmupDecaySchedule), "warmupDecay")]
public interface ILearningRateSchedule
{
    /// <summary>The learning rate used by step <paramref name="step"/>.</summary>
    double LearningRateAt(int step);
}
