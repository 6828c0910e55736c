namespace Catapults.ML.Probes;

/// <summary>
/// One alignment measurement, taken at the weights w_Step (after Step updates).
/// </summary>
/// <param name="Step">Number of updates applied before the measurement (0 = initial weights).</param>
/// <param name="Alignment">cos(G, G*), or null when it is undefined (see <paramref name="Problem"/>).</param>
/// <param name="AgopTrace">tr G (the mean squared input-gradient norm), or null when G is not finite.</param>
/// <param name="Problem">Why <paramref name="Alignment"/> is null (e.g. the AGOP overflowed in a diverging run); null otherwise.</param>
public sealed record AlignmentRecord(int Step, double? Alignment, double? AgopTrace, string? Problem);
