namespace Catapults.Study.Cells;

/// <summary>The configuration of one cell of the <c>smoke</c> experiment.</summary>
/// <param name="Seed">Start of the cell's number sequence.</param>
/// <param name="Steps">Steps to run; a checkpoint is written after each.</param>
/// <param name="StepMilliseconds">Time each step takes (a sleep: the cell stands in for work).</param>
/// <param name="FailAtStep">The step at which the cell throws, to try a scheduler's failure path; null: never.</param>
public sealed record SmokeCell(long Seed, int Steps, int StepMilliseconds, int? FailAtStep);
