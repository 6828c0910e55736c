namespace Catapults.Study.Infrastructure;

/// <summary>A series of a figure.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">Abscissae.</param>
/// <param name="Y">Ordinates (non-finite points are dropped).</param>
public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);
