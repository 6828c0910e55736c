using System.Diagnostics;

namespace Catapults.Study.Cells;

/// <summary>
/// Runs cells of a run folder as local child processes, <c>run-cell --plan DIR --index I</c>, K at a time: the same
/// unit a Slurm array task or a Kubernetes pod runs. Each child's output goes to <c>logs/cell-I.log</c>; cancelling
/// kills the running children, whose cells then resume from their checkpoints.
/// </summary>
public static class LocalCellProcesses
{
    /// <summary>The folder of the run folder <paramref name="directory"/> that holds the executors' logs (local, Slurm).</summary>
    public static string LogFolder(string directory) => Path.Combine(directory, "logs");

    /// <summary>The log of cell <paramref name="index"/>'s process in the run folder <paramref name="directory"/>.</summary>
    public static string LogPath(string directory, int index) => Path.Combine(LogFolder(directory), $"cell-{index}.log");

    /// <summary>Runs <paramref name="indices"/>, at most <paramref name="jobs"/> at once; returns each index's exit code.</summary>
    public static async Task<IReadOnlyDictionary<int, int>> RunAsync(string directory, IReadOnlyList<int> indices, int jobs,
        Action<int, int>? finished, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        string full = Path.GetFullPath(directory);
        Directory.CreateDirectory(LogFolder(full));
        var command = StudyProcess.Command();
        using var gate = new SemaphoreSlim(jobs);
        var codes = new Dictionary<int, int>();
        var tasks = indices.Select(async index =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                int code = await RunOneAsync(command, full, index, cancellationToken).ConfigureAwait(false);
                lock (codes) codes[index] = code;
                finished?.Invoke(index, code);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return codes;
    }

    private static async Task<int> RunOneAsync(IReadOnlyList<string> command, string directory, int index, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in command.Skip(1)) info.ArgumentList.Add(argument);
        foreach (var argument in new[] { "run-cell", "--plan", directory, "--index", index.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(argument);
        string log = LogPath(directory, index);
        // A link left at the log's name is replaced, not written through: the log must not land on another file.
        File.Delete(log);
        await using var writer = new StreamWriter(new FileStream(log, FileMode.CreateNew, FileAccess.Write)) { AutoFlush = true };
        using var process = new Process { StartInfo = info };
        var gate = new object();
        IOException? copyFailure = null;
        // The handlers run on the thread pool, where an exception would end the process with a trace; a full disk
        // stops the copy, and the failure is reported once the cell has ended.
        void Copy(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (gate)
            {
                if (copyFailure is not null) return;
                try { writer.WriteLine(e.Data); }
                catch (IOException ex) { copyFailure = ex; }
            }
        }
        process.OutputDataReceived += Copy;
        process.ErrorDataReceived += Copy;
        if (!process.Start()) throw new InvalidOperationException($"could not start {command[0]} for cell {index}.");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already gone */ }
            throw;
        }
        // WaitForExitAsync returns after the output streams closed, so the log is complete.
        lock (gate)
            if (copyFailure is not null)
            {
                // The writer still holds what it could not write, and disposing it would throw the bare system error
                // in place of this line: it is closed here, its own failure dropped.
                try { writer.Dispose(); }
                catch (IOException) { }
                throw new IOException($"{log}: the output of cell {index} could not be written ({copyFailure.Message}); the log is incomplete.", copyFailure);
            }
        return process.ExitCode;
    }
}
