namespace Catapults.ML.Training;

/// <summary>A learning-rate change: from step <paramref name="Step"/> on, the rate is <paramref name="Rate"/>.</summary>
/// <param name="Step">The first step (counting from 0) that uses <paramref name="Rate"/>.</param>
/// <param name="Rate">The new learning rate.</param>
public sealed record LearningRateMilestone(int Step, double Rate);
