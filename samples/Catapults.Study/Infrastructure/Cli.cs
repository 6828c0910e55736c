using Catapults.ML.Runtime;

namespace Catapults.Study.Infrastructure;

/// <summary>Runs an experiment's action, turning configuration errors and unreadable input files into one line on stderr and exit code 2.</summary>
public static class Cli
{
    /// <summary>
    /// Wraps <paramref name="action"/>, run on a worker thread: System.CommandLine registers its SIGINT and SIGTERM
    /// handler only once the action's task exists, so an action run inside the call would leave the process to end at
    /// once on a signal, with its cell processes still running; this way a signal cancels the token, the action stops its
    /// children and says so.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guard(Func<ParseResult, CancellationToken, int> action) =>
        (parse, ct) => Task.Run(() =>
        {
            try
            {
                return action(parse, ct);
            }
            catch (ConfigurationException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                return ConfigurationException.ExitCode;
            }
            catch (InvalidDataException ex)
            {
                // A file the command reads (a checkpoint, a finished run's state) does not hold what it should. Only a
                // command that has --resume can be told to leave it out; the cell commands' messages name their remedy.
                Console.Error.WriteLine("error: " + ex.Message.ReplaceLineEndings(" ") + (HasResume(parse) ? " Rerun without --resume to start the run over." : ""));
                return ConfigurationException.ExitCode;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file the command writes or reads could not be (a full disk, a folder without permission, a path
                // through a file); the .NET message names the path.
                Console.Error.WriteLine("error: " + ex.Message.ReplaceLineEndings(" "));
                return ConfigurationException.ExitCode;
            }
            catch (System.Runtime.InteropServices.ExternalException ex)
            {
                // A libtorch failure no check foresaw: its first line, without the C++ frames, and the exit code of a failure.
                Console.Error.WriteLine("error: libtorch failed: " + ErrorText.FirstLine(ex.Message));
                return 1;
            }
            catch (OperationCanceledException)
            {
                // Commands without --resume (feature-strength, dominant-subspace, run-cell) keep their finished work on a rerun.
                Console.Error.WriteLine(HasResume(parse)
                    ? "cancelled; rerun with --resume to continue from the last checkpoint."
                    : "cancelled; rerun the same command to continue from what is finished.");
                return 130;
            }
        });

    private static bool HasResume(ParseResult parse) => parse.CommandResult.Command.Options.Any(o => o.Name == CommonOptions.ResumeName);

    /// <summary>Validates a learning rate.</summary>
    public static double PositiveRate(double value, string option)
    {
        if (!(value > 0) || !double.IsFinite(value)) throw new ConfigurationException($"{option} must be a positive number, got {value}.");
        return value;
    }

    /// <summary>Validates a batch size against n.</summary>
    public static int BatchSize(int value, int n, string option = "--batch-sizes")
    {
        if (value < 1 || value > n) throw new ConfigurationException($"{option}: batch size {value} must be in 1..{n} (n, the training set size).");
        return value;
    }
}
