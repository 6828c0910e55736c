namespace Catapults.ML.Training;

/// <summary>Where and how a run diverged.</summary>
public sealed record DivergenceInfo(int Step, double LastFiniteLoss, double OffendingLoss, string Reason);
