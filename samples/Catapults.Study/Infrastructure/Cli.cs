using Catapults.ML.Runtime;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Runs an experiment's action, turning configuration errors and unreadable input files into one line on stderr and exit
/// code 2, a signal into one line and 128 + its number, and any other failure into one line and exit code 1.
/// </summary>
public static class Cli
{
    /// <summary>
    /// Wraps <paramref name="action"/>, whose token is <see cref="Interruption.Token"/>: SIGINT and SIGTERM cancel it, the
    /// command stops its children and ends with one line that says how to continue.
    /// </summary>
    public static Func<ParseResult, int> Guard(Func<ParseResult, CancellationToken, int> action) => parse =>
    {
        try
        {
            return action(parse, Interruption.Token);
        }
        catch (ConfigurationException ex)
        {
            WriteError("error: " + ex.Message);
            return ConfigurationException.ExitCode;
        }
        catch (Cells.CellFailedException ex)
        {
            // A cell's own failure, recorded in its ledger: the next run of its index runs it again.
            WriteError("error: " + ex.Message);
            return 1;
        }
        catch (InvalidDataException ex)
        {
            // A file the command reads (a checkpoint, a finished run's state) does not hold what it should. Only a
            // command that has --resume can be told to leave it out; the cell commands' messages name their remedy.
            WriteError("error: " + ex.Message, HasResume(parse) ? " Rerun without --resume to start the run over." : "");
            return ConfigurationException.ExitCode;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file the command writes or reads could not be (a full disk, a folder without permission, a path
            // through a file); the .NET message names the path.
            WriteError("error: " + ex.Message);
            return ConfigurationException.ExitCode;
        }
        catch (System.Runtime.InteropServices.ExternalException ex)
        {
            // A libtorch failure no check foresaw: its first line, without the C++ frames, and the exit code of a failure.
            WriteError("error: libtorch failed: " + ErrorText.FirstLine(ex));
            return 1;
        }
        catch (OperationCanceledException)
        {
            // Commands without --resume (feature-strength, dominant-subspace, run-cell) keep their finished work on a rerun.
            Console.Error.WriteLine(HasResume(parse)
                ? "cancelled; rerun with --resume to continue from the last checkpoint."
                : "cancelled; rerun the same command to continue from what is finished.");
            return Interruption.ExitCode;
        }
        catch (Exception ex)
        {
            // A failure no check foresaw (a bug, or an input no validation caught): one line, exit code 1, and the
            // whole trace in a file that a bug report can carry, instead of a trace on the console.
            WriteError($"error: unexpected {ex.GetType().Name}: {ErrorText.FirstLine(ex)}", $" ({TraceFile(ex)})");
            return 1;
        }
    };

    /// <summary>
    /// Writes a failure to stderr as one line: <paramref name="message"/> as <see cref="ErrorText.OneLine"/> makes it (most
    /// messages quote text from files: labels, recorded failures, JSON property names), then <paramref name="remedy"/>,
    /// the study's own words, which the cut of a long message never reaches. Every failure the study reports goes here.
    /// </summary>
    public static void WriteError(string message, string remedy = "") => Console.Error.WriteLine(ErrorText.OneLine(message) + remedy);

    /// <summary>
    /// Writes a notice to stdout as one line, as <see cref="WriteError"/> writes a failure: <paramref name="message"/>
    /// (what was found in a file, often quoting it) made one line and cut, then <paramref name="consequence"/> (what the
    /// command does about it). For damage the command recovers from: a run that starts over, a cell that runs again.
    /// </summary>
    public static void WriteNotice(string message, string consequence) => Console.WriteLine(ErrorText.OneLine(message) + consequence);

    /// <summary>Writes <paramref name="ex"/> with its stack trace to a file in the temporary folder and says where, or why it could not.</summary>
    private static string TraceFile(Exception ex)
    {
        string path = Path.Combine(Path.GetTempPath(), $"catapults-study-{Environment.ProcessId}-{DateTime.UtcNow:yyyyMMddTHHmmssfff}.log");
        try
        {
            File.WriteAllText(path, ex.ToString() + Environment.NewLine);
            return "the stack trace is in " + path;
        }
        catch (Exception write) when (write is IOException or UnauthorizedAccessException)
        {
            return "its stack trace could not be written: " + ErrorText.FirstLine(write.Message);
        }
    }

    private static bool HasResume(ParseResult parse) => parse.CommandResult.Command.Options.Any(o => o.Name == CommonOptions.ResumeName);

    /// <summary>Validates a learning rate, or a factor of one: positive, and a number in float32, the precision training runs in.</summary>
    public static double PositiveRate(double value, string option)
    {
        if (!(value > 0) || !double.IsFinite(value)) throw new ConfigurationException($"{option} must be a positive number, got {value}.");
        // 1e39 would reach training as ∞ (every run "diverged" at step 0) and 1e-50 as 0 (no run moves).
        if (!float.IsFinite((float)value) || (float)value == 0)
            throw new ConfigurationException(string.Create(CultureInfo.InvariantCulture,
                $"{option} is {value:G6}, outside float32, the precision training runs in (expected {float.Epsilon:G3} to {float.MaxValue:G3})."));
        return value;
    }

    /// <summary>
    /// The entries of a comma-separated option, trimmed. An empty entry is refused rather than dropped: "50,,10" is more
    /// likely a lost value than a stray comma. <paramref name="values"/> says what an empty option should have held.
    /// </summary>
    public static IReadOnlyList<string> ListEntries(string text, string option, string values = "values")
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.All(p => p.Length == 0)) throw new ConfigurationException($"{option} is empty; give one or more {values}, separated by commas.");
        int empty = Array.FindIndex(parts, p => p.Length == 0);
        if (empty >= 0) throw new ConfigurationException($"{option}: entry {empty + 1} of '{text}' is empty; give values separated by single commas.");
        return parts;
    }

    /// <summary>
    /// Validates a record interval against the steps it divides: at least 1, and at most half of
    /// <paramref name="steps"/>, so that records at 0, R and 2R can show a loss rise and fall; a longer interval records
    /// nothing inside the run and every spike or catapult would be lost without a word.
    /// </summary>
    public static int RecordEvery(int value, int steps, string stepsText)
    {
        if (value < 1) throw new ConfigurationException($"--record-every must be at least 1, got {value}.");
        if ((long)value * 2 > steps)
            throw new ConfigurationException(steps < 2
                ? $"{stepsText}, {steps} step{(steps == 1 ? "" : "s")}, is too short for three records; a spike needs records at 0, R and 2R."
                : $"--record-every {value} leaves fewer than three records in {stepsText}, {steps} steps; a spike needs records at 0, R and 2R, so give at most {steps / 2}.");
        return value;
    }

    /// <summary>Validates a batch size against n.</summary>
    public static int BatchSize(int value, int n, string option = "--batch-sizes")
    {
        if (value < 1 || value > n) throw new ConfigurationException($"{option}: batch size {value} must be in 1..{n} (n, the training set size).");
        return value;
    }
}
