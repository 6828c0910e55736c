using System.Diagnostics;

namespace Catapults.ML.Scaling;

/// <summary>
/// Runs each cell in a child process: the process is started with the arguments built for the cell, must write the
/// cell's result to <see cref="SweepStore.ResultPath"/> (atomically, e.g. with <see cref="SweepStore.Save"/>) and exit
/// with code 0. A failing child is reported with its exit code and the end of its error output; cancelling the sweep
/// kills the running children.
/// </summary>
public sealed class ChildProcessCellExecutor : ICellExecutor
{
    private const int ErrorTailCharacters = 2000;
    private readonly string _fileName;
    private readonly Func<SweepCell, IReadOnlyList<string>> _arguments;
    private readonly SweepStore _store;

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/>(cell) for each cell; results are read from
    /// <paramref name="store"/>.
    /// </summary>
    public ChildProcessCellExecutor(string fileName, Func<SweepCell, IReadOnlyList<string>> arguments, SweepStore store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        _fileName = fileName;
        _arguments = arguments ?? throw new ArgumentNullException(nameof(arguments));
        _store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <inheritdoc />
    public async Task<SweepCellResult> RunAsync(SweepCell cell, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var info = new ProcessStartInfo(_fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in _arguments(cell)) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)
            ?? throw new SweepCellFailedException(cell, $"could not start {_fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already gone */ }
            throw;
        }
        await Task.WhenAll(output, error).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new SweepCellFailedException(cell,
                $"the child process exited with code {process.ExitCode}: {Tail(error.Result)}");
        return _store.TryLoad(cell)
            ?? throw new SweepCellFailedException(cell, $"the child process exited without writing {_store.ResultPath(cell)}.");
    }

    private static string Tail(string text)
    {
        text = text.Trim();
        return text.Length <= ErrorTailCharacters ? text : "…" + text[^ErrorTailCharacters..];
    }
}
