using Catapults.ML.Serialization;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// A disk that fills up while a sweep writes its runs (simulated with a write stream that fails after N bytes): the
/// sweep stops with one line naming the file, no file is left truncated under its own name, and a resume after
/// space is freed ends with the same files as a sweep that never ran out.
/// </summary>
public sealed class FullDiskTests
{
    private static readonly string[] Sweep = { "--n-train", "100", "--n-test", "50", "--width", "16", "--seeds", "1", "--batch-sizes", "gd,10",
        "--max-steps", "40", "--record-every", "5", "--checkpoint-every", "20" };

    [TestCase(3_000, TestName = "The disk fills during the first checkpoint")]
    [TestCase(60_000, TestName = "The disk fills while a finished run is written")]
    [TestCase(110_000, TestName = "The disk fills in the second run")]
    public void AResumeAfterAFullDiskGivesTheUninterruptedResult(long bytes)
    {
        using var temp = new TempDirectory();
        string reference = temp.Combine("reference"), output = temp.Combine("out");
        Assert.That(StudyCli.Run(Sweep.Append("--out").Append(reference).ToArray()).ExitCode, Is.EqualTo(0));

        var budget = new FullDiskStream.Budget(bytes);
        AtomicFile.WrapStream = (_, stream) => new FullDiskStream(stream, budget);
        (int, string, string) full;
        try
        {
            full = StudyCli.Run(Sweep.Append("--out").Append(output).ToArray());
        }
        finally
        {
            AtomicFile.WrapStream = null;
        }
        string line = CliAssert.OneLineError(full, "No space left on device", "cannot write " + output);
        TestContext.Out.WriteLine(line);
        Assert.That(budget.Left, Is.EqualTo(0), "the disk did fill");
        Assert.That(line, Does.Not.Contain(AtomicFileWriter.TemporaryEnding), "the line names the file, not its temporary twin");
        Assert.That(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories), Is.Empty, line);

        var (code, stdout, error) = StudyCli.Run(Sweep.Append("--out").Append(output).Append("--resume").ToArray());
        Assert.That(code, Is.EqualTo(0), stdout + error);
        foreach (var run in new[] { "gd-seed0", "b10-seed0" })
            foreach (var file in new[] { "steps.csv", "events.json", "model.safetensors", "data.safetensors" })
                Assert.That(File.ReadAllBytes(Path.Combine(output, "runs", run, file)),
                    Is.EqualTo(File.ReadAllBytes(Path.Combine(reference, "runs", run, file))), $"{run}/{file}");
    }

    [Test]
    public void AFailedWriteKeepsThePreviousFile()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("file.json");
        AtomicFile.WriteText(path, "old content");
        AtomicFile.WrapStream = (_, stream) => new FullDiskStream(stream, new FullDiskStream.Budget(3));
        try
        {
            var ex = Assert.Throws<IOException>(() => AtomicFile.WriteText(path, "new content that does not fit"));
            Assert.That(ex!.Message, Is.EqualTo($"cannot write {path}: No space left on device"));
        }
        finally
        {
            AtomicFile.WrapStream = null;
        }
        Assert.That(File.ReadAllText(path), Is.EqualTo("old content"));
        Assert.That(Directory.GetFiles(temp.Path), Has.Length.EqualTo(1), "the temporary file is removed");
    }
}
