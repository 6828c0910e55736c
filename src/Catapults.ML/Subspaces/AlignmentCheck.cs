namespace Catapults.ML.Subspaces;

/// <summary>One alignment check of <see cref="DominantSubspaceTransform"/>: χ_k of the batch gradient at a step.</summary>
public sealed record AlignmentCheck(int Step, double Alignment);
