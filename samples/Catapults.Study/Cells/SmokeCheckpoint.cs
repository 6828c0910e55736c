namespace Catapults.Study.Cells;

/// <summary>A <c>smoke</c> cell's state after <paramref name="Step"/> steps (its checkpoint.json, and at the end its result.json).</summary>
/// <param name="Step">Steps done.</param>
/// <param name="Value">The sequence's value after them.</param>
public sealed record SmokeCheckpoint(int Step, ulong Value);
