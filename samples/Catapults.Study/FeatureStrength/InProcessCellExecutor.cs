using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>Runs cells in this process, on the thread pool, with a delegate (tests and small sweeps).</summary>
public sealed class InProcessCellExecutor : ICellExecutor
{
    private readonly Func<SweepCell, CancellationToken, SweepCellResult> _run;

    /// <summary>Wraps <paramref name="run"/>; with a store the sweep saves each result atomically itself.</summary>
    public InProcessCellExecutor(Func<SweepCell, CancellationToken, SweepCellResult> run)
    {
        _run = run ?? throw new ArgumentNullException(nameof(run));
    }

    /// <summary>Runs standard cells: <paramref name="template"/> at each cell's γ and η.</summary>
    public static InProcessCellExecutor ForSpec(FeatureStrengthCellSpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        template.Validate();
        return new InProcessCellExecutor((cell, ct) => FeatureStrengthCellRunner.Run(template.At(cell.Gamma, cell.LearningRate), cell, ct));
    }

    /// <inheritdoc />
    public Task<SweepCellResult> RunAsync(SweepCell cell, CancellationToken cancellationToken) =>
        Task.Run(() => _run(cell, cancellationToken), cancellationToken);
}
