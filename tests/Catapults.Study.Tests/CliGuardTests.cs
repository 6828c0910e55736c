using System.CommandLine;
using Catapults.ML.Runtime;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>What the study's commands end with when their action fails in a way no check foresaw.</summary>
public sealed class CliGuardTests
{
    [Test]
    public void AnUnforeseenFailureIsOneLineWithItsTraceInAFile()
    {
        var parse = new RootCommand().Parse(Array.Empty<string>());
        var guarded = Cli.Guard((_, _) => throw new InvalidOperationException("the first line\nand a second one"));
        var (code, error) = Capture(() => guarded(parse));

        Assert.That(code, Is.EqualTo(1));
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("error: unexpected InvalidOperationException: the first line (the stack trace is in "));
        string path = System.Text.RegularExpressions.Regex.Match(lines[0], @"the stack trace is in (.+)\)$").Groups[1].Value;
        try
        {
            string trace = File.ReadAllText(path);
            Assert.That(trace, Does.Contain("and a second one"));
            Assert.That(trace, Does.Contain(nameof(AnUnforeseenFailureIsOneLineWithItsTraceInAFile)), "the file holds the stack trace");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ConfigurationErrorsAndCancellationKeepTheirOwnCodes()
    {
        var parse = new RootCommand().Parse(Array.Empty<string>());
        var (code, error) = Capture(() => Cli.Guard((_, _) => throw new ConfigurationException("--width must be at least 1, got 0."))(parse));
        Assert.That((code, error.Trim()), Is.EqualTo((2, "error: --width must be at least 1, got 0.")));
        (code, error) = Capture(() => Cli.Guard((_, ct) => throw new OperationCanceledException(ct))(parse));
        Assert.That((code, error.Trim()), Is.EqualTo((130, "cancelled; rerun the same command to continue from what is finished.")));
    }

    [Test]
    public void ALibtorchFailureIsItsFirstLineAndTheExitCodeOfAFailure()
    {
        // Not a configuration error (2): nothing the user gave was refused, and a scheduler should see a failed task.
        var parse = new RootCommand().Parse(Array.Empty<string>());
        var (code, error) = Capture(() => Cli.Guard((_, _) => throw new System.Runtime.InteropServices.ExternalException("CUDA out of memory.\nException raised from malloc at c10/cuda"))(parse));
        Assert.That((code, error.Trim()), Is.EqualTo((1, "error: libtorch failed: CUDA out of memory.")));
    }

    [Test]
    public void ACommandWithResumeIsToldToResumeWhenCancelled()
    {
        var parse = new RootCommand { new Option<bool>(CommonOptions.ResumeName) }.Parse(Array.Empty<string>());
        var (code, error) = Capture(() => Cli.Guard((_, ct) => throw new OperationCanceledException(ct))(parse));
        Assert.That((code, error.Trim()), Is.EqualTo((130, "cancelled; rerun with --resume to continue from the last checkpoint.")));
    }

    [Test]
    public void AMessageQuotingAHostileFileIsPrintedAsOneLineWithoutItsEscapes()
    {
        // A plan's cell label, a ledger's recorded failure or a lock's holder is text from a file anyone may have written.
        var parse = new RootCommand().Parse(Array.Empty<string>());
        foreach (Exception thrown in new Exception[]
                 {
                     new ConfigurationException("the plan names experiment '\u001b[2Jx\ny'."),
                     new InvalidDataException("cell 2 ('\u001b[2Jx\ny') is damaged."),
                     new IOException("'\u001b[2Jx\ny' cannot be read."),
                 })
        {
            var (code, error) = Capture(() => Cli.Guard((_, _) => throw thrown)(parse));
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error.TrimEnd('\n').Any(char.IsControl), Is.False, error);
            Assert.That(error, Does.Contain("'\\u001B[2Jx y'"), thrown.GetType().Name);
        }
    }

    [Test]
    public void AMessageQuotingAHugeNameIsCutButKeepsItsRemedy()
    {
        // System.Text.Json quotes a property the type lacks whole, and the study passes its message on.
        var parse = new RootCommand { new Option<bool>("--resume") }.Parse(new[] { "--resume" });
        string name = new('x', 50_000);
        var (code, error) = Capture(() => Cli.Guard((_, _) => throw new InvalidDataException($"runs/a/config.json is not valid: The JSON property '{name}' could not be mapped."))(parse));

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error.TrimEnd('\n'), Has.Length.EqualTo(ErrorText.MaximumMessageLength + 1 + " Rerun without --resume to start the run over.".Length));
        Assert.That(error, Does.StartWith("error: runs/a/config.json is not valid: The JSON property 'xx")
            .And.EndWith("xxx… Rerun without --resume to start the run over.\n"));
    }

    private static (int Code, string Error) Capture(Func<int> run)
    {
        var old = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        try
        {
            return (run(), error.ToString());
        }
        finally
        {
            Console.SetError(old);
        }
    }
}
