namespace Catapults.Pipelines.Trainers;

/// <summary>Facts about the trained model that a report states next to the training history.</summary>
/// <param name="ModelDescription">The architecture in words.</param>
/// <param name="ParameterCount">Number of trainable scalars.</param>
/// <param name="TrainingRowCount">Number of training rows n.</param>
/// <param name="FeatureCount">Number of input features d.</param>
/// <param name="Loss">The loss minimised, in words (with its normalisation).</param>
public sealed record TrainingModelInfo(string ModelDescription, long ParameterCount, int TrainingRowCount, int FeatureCount, string Loss);
