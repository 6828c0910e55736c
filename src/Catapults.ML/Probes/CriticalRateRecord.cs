namespace Catapults.ML.Probes;

/// <summary>The critical learning rate of one step's batch (recorded every step with <see cref="CriticalRateCadence.EveryStep"/>).</summary>
/// <param name="Step">Step t.</param>
/// <param name="LearningRate">The rate the step used.</param>
/// <param name="Value">η_crit of the batch at w_t.</param>
/// <param name="Sharpness">The batch eigenvalue it came from.</param>
/// <param name="BatchSize">b.</param>
/// <param name="Seconds">Seconds the computation took.</param>
public sealed record CriticalRateRecord(int Step, double LearningRate, double Value, double Sharpness, int BatchSize, double Seconds);
