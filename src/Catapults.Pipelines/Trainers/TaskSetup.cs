using Catapults.ML.Training;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Trainers;

/// <summary>What a task contributes to training: its label column and how it becomes targets, its loss and its head.</summary>
internal sealed record TaskSetup(DataViewSchema.Column Label, PredictionHead Head, LossKind Loss, TargetEncoding Encoding, int ClassCount, string LossDescription);
