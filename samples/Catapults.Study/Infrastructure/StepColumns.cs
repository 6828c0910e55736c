using Catapults.ML.Probes;
using static TorchSharp.torch;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Extra columns of steps.csv, read from an engine probe: the probe measures the weights at every recorded step (its
/// interval is the run's <see cref="RunConfig.RecordEvery"/>) and at the final weights, and the run's recorder copies
/// the chosen values of that record into the row. The rows hold the values, so a resumed run needs no probe state:
/// probes whose measurement depends on the weights alone (no warm start) make it measure what an uninterrupted run
/// does. Dispose it to release the probe.
/// </summary>
public sealed class StepColumns : IDisposable
{
    private readonly Func<int, IReadOnlyList<double?>?> _valuesAt;

    private StepColumns(IProbe probe, IReadOnlyList<string> columns, Func<int, IReadOnlyList<double?>?> valuesAt)
    {
        Probe = probe;
        Columns = columns;
        _valuesAt = valuesAt;
    }

    /// <summary>The probe that measures the values.</summary>
    public IProbe Probe { get; }

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The values of the probe's record at <paramref name="step"/>, one per column; empty cells when it has none there.</summary>
    public IReadOnlyList<double?> ValuesAt(int step) => _valuesAt(step) ?? Columns.Select(_ => (double?)null).ToList();

    /// <summary>
    /// Columns <paramref name="columns"/> taken by <paramref name="values"/> from each measurement of
    /// <paramref name="probe"/>, read as the row is written, before the step (so a record that completes after the step
    /// gives only what was measured before it).
    /// </summary>
    public static StepColumns From<TRecord>(ScheduledProbe<TRecord> probe, IReadOnlyList<string> columns, Func<TRecord, IReadOnlyList<double?>> values)
        where TRecord : class =>
        new(probe, columns, step => probe.MeasurementAt(step) is { } record ? values(record) : null);

    /// <summary>
    /// lambda_max and eta_crit: the top NTK eigenvalue on <paramref name="inputs"/> (the whole training set for GD, or
    /// a fixed probe set) and the critical rate of a batch of those samples, every <paramref name="every"/> steps. Each
    /// solve starts afresh, so a resumed run measures exactly what an uninterrupted one does.
    /// </summary>
    public static StepColumns CriticalRate(Tensor inputs, int every) =>
        From(new CriticalRateProbe(inputs, new CriticalRateProbeOptions { Every = every, WarmStart = false }),
            CriticalRateNames, r => new double?[] { r.Sharpness, r.Value });

    /// <summary>The columns of <see cref="CriticalRate"/>.</summary>
    public static IReadOnlyList<string> CriticalRateNames { get; } = new[] { "lambda_max", "eta_crit" };

    /// <summary>The column of <see cref="AgopAlignment"/>.</summary>
    public static IReadOnlyList<string> AgopAlignmentNames { get; } = new[] { "agop_alignment" };

    /// <summary>agop_alignment: the cosine of the model's AGOP on <paramref name="inputs"/> with <paramref name="reference"/>, every <paramref name="every"/> steps; empty where it is undefined.</summary>
    public static StepColumns AgopAlignment(Tensor inputs, Tensor reference, int every) =>
        From(new AgopAlignmentProbe(reference, new AgopAlignmentProbeOptions { Every = every }, inputs),
            AgopAlignmentNames, r => new double?[] { r.Alignment is double a && double.IsFinite(a) ? a : null });

    /// <inheritdoc />
    public void Dispose() => Probe.Dispose();
}
