using Catapults.ML.Training;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// Run files and checkpoints damaged between two invocations (truncated, emptied, deleted, flipped, edited): a
/// resume either recovers the uninterrupted result (rerunning a finished run it cannot trust, or falling back to the
/// previous checkpoint) or stops with one line naming the file. Nothing damaged is ever trusted.
/// </summary>
public sealed class DamagedRunFileTests
{
    private static readonly RunConfig Config = new()
    {
        Experiment = "test", Label = "damaged", Data = new DataSettings { TrainCount = 100, TestCount = 50, InputDimension = 10 },
        Network = new NetworkDescription { Width = 16 }, Training = RunConfig.TrainingFor(0.05, 10, 120, 1, 10, optimizer: OptimizerKind.Momentum), Seed = 1,
        RecordEvery = 10, CheckpointEvery = 30,
    };

    private TempDirectory _temp = null!;
    private StudyData _data = null!;
    private string _whole = null!;

    [OneTimeSetUp]
    public void TrainReference()
    {
        _temp = new TempDirectory();
        _data = StudyData.Load(Config.Data);
        _whole = _temp.Combine("whole");
        RunExecutor.Run(Config, _data, _whole, resume: false);
    }

    [OneTimeTearDown]
    public void Delete()
    {
        _data.Dispose();
        _temp.Dispose();
    }

    private static readonly string[] ResultFiles = { "steps.csv", "events.json", "model.safetensors", "data.safetensors", "summary.json" };

    private void AssertSameAsUninterrupted(string dir)
    {
        foreach (var file in ResultFiles.Where(f => f != "summary.json"))
            Assert.That(File.ReadAllBytes(Path.Combine(dir, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(_whole, file))), file);
        Assert.That(Directory.Exists(Path.Combine(dir, "checkpoint")) || Directory.Exists(Path.Combine(dir, "checkpoint.old")), Is.False);
    }

    private string Finished()
    {
        string dir = _temp.Combine("finished-" + Guid.NewGuid().ToString("N")[..8]);
        CopyFolder(_whole, dir);
        return dir;
    }

    // A run killed at step 100: checkpoints at 90 (checkpoint/) and 60 (checkpoint.old/).
    private string Killed(RunConfig? config = null)
    {
        string dir = _temp.Combine("killed-" + Guid.NewGuid().ToString("N")[..8]);
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => RunExecutor.Run(config ?? Config, _data, dir, resume: false,
            new RunHooks { Progress = step => { if (step == 100) cancel.Cancel(); } }, cancel.Token));
        Assert.That(Directory.Exists(Path.Combine(dir, "checkpoint")) && Directory.Exists(Path.Combine(dir, "checkpoint.old")), Is.True);
        return dir;
    }

    // Resumes the run in dir, returning what it wrote to the console too.
    private (RunOutcome Run, string Output) ResumeCapturingOutput(string dir)
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            return (RunExecutor.Run(Config, _data, dir, resume: true), output.ToString());
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void Damage(string path, string how)
    {
        switch (how)
        {
            case "truncate":
                File.WriteAllBytes(path, File.ReadAllBytes(path)[..(int)(new FileInfo(path).Length * 0.9)]);
                break;
            case "empty":
                File.WriteAllBytes(path, Array.Empty<byte>());
                break;
            case "delete":
                File.Delete(path);
                break;
            case "flip":
                var bytes = File.ReadAllBytes(path);
                bytes[^5] ^= 0x40;
                File.WriteAllBytes(path, bytes);
                break;
            case "folder":
                File.Delete(path);
                Directory.CreateDirectory(path);
                break;
            case var twice when twice.StartsWith("duplicate ", StringComparison.Ordinal):
                // The field again, first in the object, with its own value: which one to trust is a guess.
                string name = twice["duplicate ".Length..];
                var fields = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
                Assert.That(fields.ContainsKey(name), name);
                string text = File.ReadAllText(path);
                int brace = text.IndexOf('{');
                File.WriteAllText(path, text[..(brace + 1)] + $"\"{name}\": {fields[name]?.ToJsonString() ?? "null"}, " + text[(brace + 1)..]);
                break;
            case var edit when edit.StartsWith("set ", StringComparison.Ordinal) || edit.StartsWith("add ", StringComparison.Ordinal):
                // An edit that leaves valid JSON: "set field=value" with value as JSON text; "add" for a field that a
                // file leaves out when it has no value.
                var (field, value) = (edit[4..edit.IndexOf('=')], edit[(edit.IndexOf('=') + 1)..]);
                var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
                Assert.That(node.ContainsKey(field), Is.EqualTo(edit.StartsWith("set ", StringComparison.Ordinal)), field);
                node[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
                File.WriteAllText(path, node.ToJsonString());
                break;
            case var rename when rename.StartsWith("rename ", StringComparison.Ordinal):
                // A damaged field name, its value kept: "rename from=to".
                var (from, to) = (rename[7..rename.IndexOf('=')], rename[(rename.IndexOf('=') + 1)..]);
                string original = File.ReadAllText(path);
                Assert.That(original.Split($"\"{from}\":").Length, Is.EqualTo(2), from);
                File.WriteAllText(path, original.Replace($"\"{from}\":", $"\"{to}\":", StringComparison.Ordinal));
                break;
            case var nested when nested.StartsWith("at ", StringComparison.Ordinal) || nested.StartsWith("remove ", StringComparison.Ordinal):
                // A nested edit that leaves valid JSON: "at a/3/b=value" sets the entry at that path (value as JSON
                // text, null included), "remove a/3" takes it out.
                bool remove = nested.StartsWith("remove ", StringComparison.Ordinal);
                string spec = nested[(remove ? "remove ".Length : "at ".Length)..];
                string target = remove ? spec : spec[..spec.IndexOf('=')];
                var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
                var parts = target.Split('/');
                var parent = parts[..^1].Aggregate(root, (n, part) => (n is System.Text.Json.Nodes.JsonArray a ? a[int.Parse(part)] : n[part])!);
                var entry = remove ? null : System.Text.Json.Nodes.JsonNode.Parse(spec[(spec.IndexOf('=') + 1)..]);
                if (parent is System.Text.Json.Nodes.JsonArray array)
                {
                    int index = int.Parse(parts[^1]);
                    Assert.That(index, Is.LessThan(array.Count), target);
                    if (remove) array.RemoveAt(index);
                    else array[index] = entry;
                }
                else
                {
                    var fieldsOf = parent.AsObject();
                    Assert.That(fieldsOf.ContainsKey(parts[^1]), target);
                    if (remove) fieldsOf.Remove(parts[^1]);
                    else fieldsOf[parts[^1]] = entry;
                }
                File.WriteAllText(path, root.ToJsonString());
                break;
            default:
                throw new ArgumentException(how);
        }
    }

    [TestCase("steps.csv", "truncate")]
    [TestCase("steps.csv", "delete")]
    [TestCase("model.safetensors", "delete")]
    [TestCase("model.safetensors", "flip")]
    [TestCase("data.safetensors", "truncate")]
    [TestCase("events.json", "empty")]
    [TestCase("summary.json", "truncate")]
    // summary.json has no checksum of its own: values no run could have written are not read into a report.
    [TestCase("summary.json", "set agopAlignment=7")]
    [TestCase("summary.json", "set testLoss=\"NaN\"")]
    [TestCase("summary.json", "set trainLoss=-1")]
    [TestCase("summary.json", "set outcome=\"Zzz\"")]
    [TestCase("summary.json", "set outcome=\"1\"")]
    [TestCase("summary.json", "set catapults=-5")]
    [TestCase("summary.json", "set catapults=99")]
    [TestCase("summary.json", "set steps=-1")]
    [TestCase("summary.json", "duplicate outcome")]
    // A damaged name whose value is the default (found by random damage, 6 Dec 2026): the reader dropped the field it
    // did not know and read the missing one as null, so the run was trusted.
    [TestCase("summary.json", "rename divergence=diverg-1nce")]
    [TestCase("summary.json", "rename resumedFromStep=resumedFromStap")]
    // A schedule's own constructor refuses the rate: that used to end the command in a stack trace.
    [TestCase("summary.json", "add realisedSchedule={\"kind\":\"milestones\",\"initialRate\":-1,\"milestones\":[]}")]
    [TestCase("steps.csv", "folder")]
    // A null where a checksum goes crashed the check with a NullReferenceException.
    [TestCase("summary.json", "at files/steps.csv=null")]
    [TestCase("config.json", "delete")]
    [TestCase("config.json", "truncate")]
    [TestCase("config.json", "flip")]
    public void ADamagedFinishedRunIsRunAgain(string file, string how)
    {
        string dir = Finished();
        Damage(Path.Combine(dir, file), how);
        bool trained = false;
        var run = RunExecutor.Run(Config, _data, dir, resume: true, new RunHooks { Progress = _ => trained = true });
        Assert.That(trained, Is.True, "the damaged run was not trusted");
        Assert.That(run.Summary.ResumedFromStep, Is.Null, "it starts over");
        AssertSameAsUninterrupted(dir);
    }

    [Test]
    public void AnIntactFinishedRunIsReadBackAndAStaleCheckpointDropped()
    {
        // What a kill between writing summary.json and removing the checkpoint leaves.
        string dir = Finished();
        string killed = Killed();
        CopyFolder(Path.Combine(killed, "checkpoint"), Path.Combine(dir, "checkpoint"));
        bool trained = false;
        var run = RunExecutor.Run(Config, _data, dir, resume: true, new RunHooks { Progress = _ => trained = true });
        Assert.That(trained, Is.False);
        Assert.That(run.Summary.Steps, Is.EqualTo(120));
        AssertSameAsUninterrupted(dir);

        // And once summary.json is damaged too, the run starts over: the stale checkpoint is not trusted either.
        CopyFolder(Path.Combine(killed, "checkpoint"), Path.Combine(dir, "checkpoint"));
        Damage(Path.Combine(dir, "summary.json"), "truncate");
        run = RunExecutor.Run(Config, _data, dir, resume: true);
        Assert.That(run.Summary.ResumedFromStep, Is.Null);
        AssertSameAsUninterrupted(dir);
    }

    [TestCase("optimizer.bin", "truncate")]
    [TestCase("optimizer.bin", "empty")]
    [TestCase("weights.safetensors", "delete")]
    [TestCase("weights.safetensors", "flip")]
    [TestCase("state.json", "truncate")]
    [TestCase("state.json", "duplicate step")]
    [TestCase("state.json", "rename referenceLoss=referenceLosr")]
    [TestCase("state.json", "add realisedSchedule={\"initialRate\":-1,\"milestones\":[],\"kind\":\"milestones\"}")]
    [TestCase("weights.safetensors", "folder")]
    // Nulls where a row or a checksum goes crashed the check with a NullReferenceException.
    [TestCase("state.json", "at rows/3=null")]
    [TestCase("state.json", "at files/weights.safetensors=null")]
    // A row missing or off the record grid went into steps.csv as it stood, without a word.
    [TestCase("state.json", "remove rows/3")]
    [TestCase("state.json", "at rows/3/step=31")]
    public void ADamagedCheckpointFallsBackToThePreviousOne(string file, string how)
    {
        string dir = Killed();
        Damage(Path.Combine(dir, "checkpoint", file), how);
        var (run, output) = ResumeCapturingOutput(dir);
        Assert.That(run.Summary.ResumedFromStep, Is.EqualTo(60), "resumed from checkpoint.old");
        AssertSameAsUninterrupted(dir);
        // The steps since the previous checkpoint are lost, so the run says which file cost them.
        Assert.That(output, Does.Contain(Path.Combine(dir, "checkpoint")).And.Contain("resumes from the previous checkpoint"), output);
    }

    // The rotation's names are the run's own: a file at one of them made every Save fail ("a file or directory with
    // the same name already exists"), so no retry could finish the run.
    [TestCase("checkpoint.old", 90)]
    [TestCase("checkpoint", 60)]
    [TestCase("checkpoint.tmp", 90)]
    public void AFileInPlaceOfACheckpointFolderIsDamageAndReplaced(string name, int resumedFrom)
    {
        string dir = Killed();
        string path = Path.Combine(dir, name);
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        File.WriteAllText(path, "x");
        var (run, output) = ResumeCapturingOutput(dir);
        Assert.That(run.Summary.ResumedFromStep, Is.EqualTo(resumedFrom), output);
        AssertSameAsUninterrupted(dir);
        Assert.That(new[] { "checkpoint", "checkpoint.old", "checkpoint.tmp" }.Where(n => File.Exists(Path.Combine(dir, n))), Is.Empty);
        if (name != "checkpoint.tmp")
            Assert.That(output.Split('\n').Where(l => l.Contains(path + " is a file, not a checkpoint folder (damaged)")).ToList(), Has.Count.EqualTo(1), output);
    }

    // A kill between Save's two renames leaves checkpoint.old/ and checkpoint.tmp/, no checkpoint/. A whole .tmp is the
    // newest checkpoint (its state.json, written last, verifies the rest) and was dropped for .old without a word.
    [TestCase("whole", 90)]
    [TestCase("first", 90)]
    [TestCase("not whole", 60)]
    public void ACheckpointStoppedBetweenItsRenamesIsPutInPlace(string how, int resumedFrom)
    {
        string dir = Killed();
        string temporary = Path.Combine(dir, "checkpoint.tmp");
        Directory.Move(Path.Combine(dir, "checkpoint"), temporary);
        if (how == "first") Directory.Delete(Path.Combine(dir, "checkpoint.old"), recursive: true);
        if (how == "not whole") Damage(Path.Combine(temporary, "optimizer.bin"), "truncate");
        var (run, output) = ResumeCapturingOutput(dir);
        Assert.That(run.Summary.ResumedFromStep, Is.EqualTo(resumedFrom), output);
        AssertSameAsUninterrupted(dir);
        Assert.That(Directory.Exists(temporary), Is.False);
        Assert.That(output, how == "not whole"
            ? Does.Contain(Path.Combine(dir, "checkpoint") + " is missing and " + temporary + " is not whole; the run resumes from the previous checkpoint")
            : Does.Contain(temporary + " holds the newest checkpoint"), output);
    }

    // A run written by a build that recorded fewer columns (sgd-spikes had no lambda_max before 5 Dec 2026): its
    // finished files were trusted, with the catapults miscounted, and its checkpoint's rows crashed every resume.
    [Test]
    public void ARunWithoutAColumnThisBuildRecordsIsRunAgain()
    {
        using var probe = _data.Train.Subset(Enumerable.Range(0, 20).Select(i => (long)i).ToArray(), "probe");
        foreach (var dir in new[] { Finished(), Killed() })
        {
            using var column = StepColumns.CriticalRate(probe.Features, Config.RecordEvery);
            var output = new StringWriter();
            var console = Console.Out;
            Console.SetOut(output);
            RunOutcome run;
            try
            {
                run = RunExecutor.Run(Config, _data, dir, resume: true, new RunHooks { Columns = new[] { column }, SharpnessColumn = "lambda_max" });
            }
            finally
            {
                Console.SetOut(console);
            }
            Assert.That(run.Summary.ResumedFromStep, Is.Null, output.ToString());
            Assert.That(File.ReadLines(Path.Combine(dir, "steps.csv")).First(), Does.EndWith(",lambda_max,eta_crit"));
            Assert.That(output.ToString(), Does.Contain("lambda_max").And.Contain("run again").Or.Contain("starts over"));
        }
    }

    [TestCase("delete")]
    [TestCase("empty")]
    [TestCase("duplicate label")]
    public void AKilledRunWhoseConfigIsDamagedStartsOver(string how)
    {
        string dir = Killed();
        Damage(Path.Combine(dir, "config.json"), how);
        var run = RunExecutor.Run(Config, _data, dir, resume: true);
        Assert.That(run.Summary.ResumedFromStep, Is.Null, "a checkpoint without its run's options is not trusted");
        AssertSameAsUninterrupted(dir);
    }

    // System.Text.Json quotes a property the type lacks whole, so the notice printed the file's escapes.
    [Test]
    public void AKilledRunWhoseConfigHasAHostilePropertySaysSoInOneBoundedLine()
    {
        string dir = Killed();
        string config = Path.Combine(dir, "config.json");
        string hostile = "\u001b[2J" + new string('x', 20_000);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"label\":", $"\"{hostile.Replace("\u001b", "\\u001b")}\": 1, \"label\":"));
        var (run, output) = ResumeCapturingOutput(dir);
        Assert.That(run.Summary.ResumedFromStep, Is.Null);
        AssertSameAsUninterrupted(dir);
        string notice = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.Contains("config.json"));
        Assert.That(notice, Does.Contain("\\u001B[2Jxxx").And.EndWith("; its checkpoint is not trusted and the run starts over."));
        Assert.That(notice.Any(char.IsControl), Is.False);
        Assert.That(notice, Has.Length.LessThanOrEqualTo(Catapults.ML.Runtime.ErrorText.MaximumMessageLength + 60));
    }

    [Test]
    public void AFinishedRunWrittenWithOtherOptionsIsRefused()
    {
        string dir = Finished();
        var ex = Assert.Throws<ConfigurationException>(() => RunExecutor.Run(Config with { Seed = 2 }, _data, dir, resume: true));
        Assert.That(ex!.Message, Does.Contain("config.json was written with other options").And.Contain("seed"));
    }

    // Checkpoints that verify on their own (checksums, step grid, rows) but are another run's: seed 2's, copied in
    // beside seed 1's config.json. They were resumed, and the result mixed the two runs.
    [Test]
    public void AnotherRunsCheckpointsCopiedInAreNotResumed()
    {
        string dir = Killed();
        string other = Killed(Config with { Seed = 2 });
        foreach (var folder in new[] { "checkpoint", "checkpoint.old" })
        {
            Directory.Delete(Path.Combine(dir, folder), recursive: true);
            CopyFolder(Path.Combine(other, folder), Path.Combine(dir, folder));
        }
        var (run, output) = ResumeCapturingOutput(dir);
        Assert.That(run.Summary.ResumedFromStep, Is.Null);
        AssertSameAsUninterrupted(dir);
        Assert.That(output, Does.Contain("is another run's (its configuration digest is not this run's config.json's)").And.Contain("starts over"));
    }

    [TestCase(-5)]
    [TestCase(0)]
    [TestCase(85)]
    [TestCase(60)]
    [TestCase(9999)]
    public void ACheckpointStepOutsideTheRunIsNotTrusted(int step)
    {
        string dir = Killed();
        string state = Path.Combine(dir, "checkpoint", "state.json");
        File.WriteAllText(state, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(state), "\"step\": 90,", $"\"step\": {step},"));
        var run = RunExecutor.Run(Config, _data, dir, resume: true);
        Assert.That(run.Summary.ResumedFromStep, Is.EqualTo(60));
        Assert.That(run.Summary.Steps, Is.EqualTo(120));
        AssertSameAsUninterrupted(dir);
    }

    // Nothing verifies, so nothing is resumed: the run starts over and says why, naming the file at fault in each.
    [Test]
    public void TwoDamagedCheckpointsStartTheRunOverNamingTheFiles()
    {
        string dir = Killed();
        Damage(Path.Combine(dir, "checkpoint", "optimizer.bin"), "truncate");
        Damage(Path.Combine(dir, "checkpoint.old", "weights.safetensors"), "flip");
        var (run, output) = ResumeCapturingOutput(dir);
        Assert.That(run.Summary.ResumedFromStep, Is.Null);
        AssertSameAsUninterrupted(dir);
        var line = output.Split('\n').Single(l => l.Contains("starts over"));
        Assert.That(line, Does.Contain(Path.Combine(dir, "checkpoint", "optimizer.bin")).And.Contain(Path.Combine(dir, "checkpoint.old", "weights.safetensors")));
    }

    [TestCase("testLoss", "\"NaN\"")]
    [TestCase("trainLoss", "-5")]
    [TestCase("learningRate", "\"Infinity\"")]
    public void ACheckpointRowNoRunWritesIsNotTrusted(string field, string value)
    {
        string dir = Killed();
        string state = Path.Combine(dir, "checkpoint", "state.json");
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(state))!.AsObject();
        var row = node["rows"]!.AsArray()[2]!.AsObject();
        Assert.That(row.ContainsKey(field), field);
        row[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        File.WriteAllText(state, node.ToJsonString());
        var run = RunExecutor.Run(Config, _data, dir, resume: true);
        Assert.That(run.Summary.ResumedFromStep, Is.EqualTo(60), "resumed from checkpoint.old");
        AssertSameAsUninterrupted(dir);
    }

    // A run folder copied from another cell: whole (its record is the other cell's), or beside this cell's own record.
    // Either way it is not this cell's run, so run-cell runs the cell again and the merge never reads it.
    [Test]
    public void ARunCopiedFromAnotherCellIsRunAgain()
    {
        string output = _temp.Combine("copied-" + Guid.NewGuid().ToString("N")[..8]);
        string[] args = { "--n-train", "100", "--n-test", "50", "--width", "16", "--seeds", "1", "--batch-sizes", "10,20", "--max-steps", "40",
            "--record-every", "10", "--checkpoint-every", "10", "--jobs", "1", "--out", output };
        Assert.That(StudyCli.Run(args).ExitCode, Is.EqualTo(0));
        // Cell 0 is the largest batch's run.
        string mine = Path.Combine(output, "runs", "b20-seed0"), other = Path.Combine(output, "runs", "b10-seed0");
        string steps = File.ReadAllText(Path.Combine(mine, "steps.csv"));
        string record = File.ReadAllText(Path.Combine(mine, "cell.json"));

        foreach (bool keepRecord in new[] { false, true })
        {
            Directory.Delete(mine, true);
            CopyFolder(other, mine);
            if (keepRecord)
            {
                File.WriteAllText(Path.Combine(mine, "cell.json"), record);
                var merge = StudyCli.Run("merge", "--plan", output);
                CliAssert.OneLineError(merge, "cell 0 (b20-seed0)", Path.Combine(mine, "config.json"), "was written with other options", "run-cell");
            }
            var rerun = StudyCli.Run("run-cell", "--plan", output, "--index", "0");
            Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.Error);
            Assert.That(rerun.Out, Does.Contain(keepRecord ? "not trusted and is run again" : "belongs to another plan's cell"));
            Assert.That(File.ReadAllText(Path.Combine(mine, "steps.csv")), Is.EqualTo(steps), keepRecord ? "beside its record" : "whole");
        }
        Assert.That(StudyCli.Run("merge", "--plan", output).ExitCode, Is.EqualTo(0));
    }

    [Test]
    public void TwoDamagedCheckpointsThroughTheCliStartTheRunOver()
    {
        string output = _temp.Combine("cli-" + Guid.NewGuid().ToString("N")[..8]);
        string[] args = { "--n-train", "100", "--n-test", "50", "--width", "16", "--seeds", "1", "--batch-sizes", "10", "--max-steps", "40",
            "--record-every", "10", "--checkpoint-every", "10", "--out", output };
        Assert.That(StudyCli.Run(args).ExitCode, Is.EqualTo(0));
        string run = Path.Combine(output, "runs", "b10-seed0");
        string steps = File.ReadAllText(Path.Combine(run, "steps.csv"));
        // Make it look killed before it finished (no summary, no cell record), with two damaged checkpoints.
        File.Delete(Path.Combine(run, "summary.json"));
        File.Delete(Path.Combine(run, "cell.json"));
        Directory.CreateDirectory(Path.Combine(run, "checkpoint"));
        File.WriteAllText(Path.Combine(run, "checkpoint", "state.json"), "{\"step\": 20");
        Directory.CreateDirectory(Path.Combine(run, "checkpoint.old"));
        File.WriteAllText(Path.Combine(run, "checkpoint.old", "state.json"), "");
        var resumed = StudyCli.Run(args.Append("--resume").ToArray());
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        Assert.That(resumed.Out, Does.Contain(Path.Combine(run, "checkpoint", "state.json")).And.Contain("the run starts over"));
        Assert.That(File.ReadAllText(Path.Combine(run, "steps.csv")), Is.EqualTo(steps));
    }
}
