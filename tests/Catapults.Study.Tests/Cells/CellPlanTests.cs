using System.Diagnostics;
using System.Text.Json;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.Cells;

/// <summary>The cell unit on the smoke experiment: plan, run-cell, merge, --jobs, kills and damaged files.</summary>
public sealed class CellPlanTests
{
    private TempDirectory? _temp;
    private string _root = null!;

    [SetUp]
    public void CreateRoot()
    {
        _temp = new TempDirectory();
        _root = _temp.Path;
    }

    [TearDown]
    public void RemoveRoot() => _temp?.Dispose();

    private string Folder(string name) => Path.Combine(_root, name);

    // A plan of sgd-spikes cells that train 20 steps of a width-16 network on 100 samples.
    private static void PlanTinySgdSpikes(string dir, int seeds) =>
        Assert.That(StudyCli.Run("plan", "sgd-spikes", "--quick", "--seeds", seeds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--n-train", "100",
            "--n-test", "50", "--width", "16", "--probe-size", "20", "--steps", "20", "--out", dir).ExitCode, Is.EqualTo(0));

    [Test]
    public void PlanIsFixedByTheOptionsAndHoldsEveryCell()
    {
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "3", "--steps", "2", "--out", Folder("a"));
        Assert.That(code, Is.EqualTo(0), error);
        StudyCli.Run("plan", "smoke", "--cells", "3", "--steps", "2", "--out", Folder("b"));
        Assert.That(File.ReadAllBytes(Path.Combine(Folder("b"), "plan.json")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Folder("a"), "plan.json"))));

        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder("a"), "plan.json")));
        var cells = plan.RootElement.GetProperty("cells");
        Assert.That(plan.RootElement.GetProperty("experiment").GetString(), Is.EqualTo("smoke"));
        Assert.That(cells.GetArrayLength(), Is.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(cells[i].GetProperty("index").GetInt32(), Is.EqualTo(i));
            Assert.That(cells[i].GetProperty("label").GetString(), Is.EqualTo($"cell{i:D6}"));
            Assert.That(cells[i].GetProperty("configuration").GetProperty("steps").GetInt32(), Is.EqualTo(2));
        }
        // One line per cell, so a cell's configuration can be found with grep.
        Assert.That(File.ReadAllLines(Path.Combine(Folder("a"), "plan.json")).Count(l => l.TrimStart().StartsWith("{\"index\":", StringComparison.Ordinal)), Is.EqualTo(3));

        // Planning again with the same options is a no-op; other options into the same folder are refused.
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "3", "--steps", "2", "--out", Folder("a")).ExitCode, Is.EqualTo(0));
        var refused = StudyCli.Run("plan", "smoke", "--cells", "3", "--steps", "4", "--out", Folder("a"));
        Assert.That(refused.ExitCode, Is.EqualTo(2));
        CliAssert.OneLineError(refused, "plan.json", "other options");
    }

    [Test]
    public void MergeNamesMissingAndFailedCellsByIndexAndExitsTwo()
    {
        string dir = Folder("m");
        StudyCli.Run("plan", "smoke", "--cells", "5", "--steps", "2", "--step-ms", "0", "--fail-cells", "3", "--out", dir);
        Assert.That(StudyCli.Run("run-cell", "--plan", dir, "--index", "0").ExitCode, Is.EqualTo(0));
        var failed = StudyCli.Run("run-cell", "--plan", dir, "--index", "3");
        Assert.That(failed.ExitCode, Is.EqualTo(1));
        Assert.That(failed.Error, Does.Contain("cell 3 failed").And.Contain("on purpose"));

        var merge = StudyCli.Run("merge", "--plan", dir);
        Assert.That(merge.ExitCode, Is.EqualTo(2));
        Assert.That(merge.Error, Does.Contain("4 of 5 cells").And.Contain("missing 1-2, 4").And.Contain("failed 3"));
        Assert.That(merge.Error, Does.Contain("cell 3 (cell000003): failed: it fails at step 1 on purpose"));
        Assert.That(File.Exists(Path.Combine(dir, "report.md")), Is.False, "no report from an incomplete plan");

        // A finished cell is read back, not rerun: its files keep their bytes and times.
        string result = Path.Combine(dir, "runs", "cell000000", "result.json");
        var written = File.GetLastWriteTimeUtc(result);
        var again = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(again.ExitCode, Is.EqualTo(0));
        Assert.That(again.Out, Does.Contain("finished before"));
        Assert.That(File.GetLastWriteTimeUtc(result), Is.EqualTo(written));
    }

    [Test]
    public void ASmokeResultTornCopiedOrEditedIsNotTrusted()
    {
        string dir = Folder("s");
        Assert.That(StudyCli.Run("smoke", "--cells", "2", "--steps", "3", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        string first = Path.Combine(dir, "runs", "cell000000", "result.json");
        string second = Path.Combine(dir, "runs", "cell000001", "result.json");
        string good = File.ReadAllText(first);
        foreach (var (damage, expected) in new (Action, string)[]
        {
            (() => File.WriteAllText(first, good[..5]), "is not valid"),
            (() => File.Copy(second, first, overwrite: true), "where this cell ends at step 3"),
            (() => File.WriteAllText(first, good.Replace("\"step\": 3", "\"step\": 2")), "holds step 2"),
        })
        {
            damage();
            var merge = StudyCli.Run("merge", "--plan", dir);
            Assert.That(merge.ExitCode, Is.EqualTo(2), expected);
            CliAssert.OneLineError(merge, "cell 0 (cell000000)", first, expected, "run-cell");
            var rerun = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
            Assert.That(rerun.ExitCode, Is.EqualTo(0), expected);
            Assert.That(rerun.Out, Does.Contain("not trusted and is run again"), expected);
            Assert.That(File.ReadAllText(first), Is.EqualTo(good), expected);
        }
        Assert.That(StudyCli.Run("merge", "--plan", dir).ExitCode, Is.EqualTo(0));

        // A failure planned with --fail-cells is the cell's failure, not a bug of the command.
        var planned = StudyCli.Run("smoke", "--cells", "2", "--steps", "2", "--step-ms", "0", "--fail-cells", "1", "--out", Folder("f"), "--jobs", "1");
        CliAssert.OneLineError(planned, 1, "cell 1 (cell000001) failed: it fails at step 1 on purpose");
        Assert.That(planned.Error, Does.Not.Contain("unexpected"));
    }

    [Test]
    public void BadPlanAndIndexAreOneLine()
    {
        var missing = StudyCli.Run("run-cell", "--plan", Folder("none"), "--index", "0");
        Assert.That(missing.ExitCode, Is.EqualTo(2));
        CliAssert.OneLineError(missing, "plan.json is missing");

        string dir = Folder("p");
        StudyCli.Run("plan", "smoke", "--cells", "2", "--out", dir);
        var outside = StudyCli.Run("run-cell", "--plan", dir, "--index", "2");
        Assert.That(outside.ExitCode, Is.EqualTo(2));
        CliAssert.OneLineError(outside, "--index 2", "0..1");

        // A plan asking for more threads than this machine's cores (written elsewhere, or by hand) is refused by name;
        // 100,000 threads handed to libtorch ended the process with a native stack overflow.
        string path = Path.Combine(dir, "plan.json");
        string plan = File.ReadAllText(path);
        Assert.That(plan, Does.Contain("\"threads\": null"));
        WriteEditedPlan(path, plan.Replace("\"threads\": null", "\"threads\": 100000"));
        var threads = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(threads.ExitCode, Is.EqualTo(2));
        CliAssert.OneLineError(threads, path, $"threads must be in 1..{Environment.ProcessorCount}", "got 100000", "--threads");
        File.WriteAllText(path, plan);

        // A torn plan (cut mid-way, as a copy interrupted) is never trusted.
        File.WriteAllText(path, File.ReadAllText(path)[..100]);
        var torn = StudyCli.Run("merge", "--plan", dir);
        Assert.That(torn.ExitCode, Is.EqualTo(2));
        CliAssert.OneLineError(torn, path, "not a readable plan");

        // Scheduler options without --emit would shape no file: refused, not ignored.
        var noEmit = StudyCli.Run("plan", "smoke", "--out", Folder("r"), "--gpu", "--partition", "gpu");
        CliAssert.OneLineError(noEmit, "--gpu, --partition shape the scheduler files", "--emit");
        Assert.That(File.Exists(Path.Combine(Folder("r"), "plan.json")), Is.False);

        var badEmit = StudyCli.Run("plan", "smoke", "--out", Folder("q"), "--emit", "lsf");
        Assert.That(badEmit.ExitCode, Is.EqualTo(2));
        CliAssert.OneLineError(badEmit, "--emit", "slurm");
        var badTime = StudyCli.Run("plan", "smoke", "--out", Folder("q"), "--emit", "slurm", "--time-limit", "3h");
        Assert.That(badTime.ExitCode, Is.EqualTo(2));
        CliAssert.OneLineError(badTime, "--time-limit", "HH:MM:SS");
        // .NET's $ also matches before a final line break, which would then start a line of the script.
        var newline = StudyCli.Run("plan", "smoke", "--out", Folder("q"), "--emit", "slurm", "--partition", "gpu\n");
        Assert.That(newline.ExitCode, Is.EqualTo(2));
        CliAssert.OneLineError(newline, "--partition");
        Assert.That(StudyCli.Run("plan", "smoke", "--out", Folder("q") + "\n", "--emit", "slurm").ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void ARunMissingItsConfigIsNamedByMergeAndRunAgainByRunCell()
    {
        string dir = Folder("c");
        Assert.That(StudyCli.Run("plan", "batch-sweep", "--n-train", "100", "--n-test", "50", "--width", "16", "--seeds", "1",
            "--batch-sizes", "10", "--max-steps", "20", "--out", dir).ExitCode, Is.EqualTo(0));
        Assert.That(StudyCli.Run("run-cell", "--plan", dir, "--index", "0").ExitCode, Is.EqualTo(0));
        string config = Path.Combine(dir, "runs", "b10-seed0", "config.json");
        File.Delete(config);

        // merge has no --resume, so its one line names the cell's own remedy and nothing else.
        string line = CliAssert.OneLineError(StudyCli.Run("merge", "--plan", dir), config + " is missing", "run-cell --plan " + dir + " --index 0");
        Assert.That(line, Does.Not.Contain("--resume"));

        var rerun = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.Error);
        Assert.That(rerun.Out, Does.Contain(config + " is missing").And.Contain("not trusted"));
        Assert.That(File.Exists(config), Is.True);
        Assert.That(StudyCli.Run("merge", "--plan", dir).ExitCode, Is.EqualTo(0));
    }

    [Test]
    public void DamagedCellRecordIsNotTrustedAndTheCellReruns()
    {
        string dir = Folder("d");
        StudyCli.Run("plan", "smoke", "--cells", "2", "--steps", "2", "--step-ms", "0", "--out", dir);
        Assert.That(StudyCli.Run("merge", "--plan", dir).ExitCode, Is.EqualTo(2));
        StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        StudyCli.Run("run-cell", "--plan", dir, "--index", "1");
        string record = Path.Combine(dir, "runs", "cell000001", "cell.json");
        File.WriteAllText(record, "{\"index\": 1, \"lab");
        var merge = StudyCli.Run("merge", "--plan", dir);
        Assert.That(merge.ExitCode, Is.EqualTo(2));
        Assert.That(merge.Error, Does.Contain("failed 1").And.Contain("not a readable record"));
        var rerun = StudyCli.Run("run-cell", "--plan", dir, "--index", "1");
        Assert.That(rerun.ExitCode, Is.EqualTo(0));
        Assert.That(rerun.Out, Does.Not.Contain("finished before"));
        Assert.That(rerun.Out, Does.Contain($"cell 1 (cell000001): {record} is not a readable record").And.Contain("; run again."));
        Assert.That(StudyCli.Run("merge", "--plan", dir).ExitCode, Is.EqualTo(0));

        // A state written as a number is no state a cell writes: 3 read as "failed, no reason recorded", and 0 as finished.
        foreach (var state in new[] { "3", "0" })
        {
            File.WriteAllText(record, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(record), "\"state\": \"Finished\"", $"\"state\": {state}"));
            var edited = StudyCli.Run("merge", "--plan", dir);
            Assert.That(edited.ExitCode, Is.EqualTo(2), state);
            Assert.That(edited.Error, Does.Contain($"{record} is not a readable record"), state);
            Assert.That(StudyCli.Run("run-cell", "--plan", dir, "--index", "1").ExitCode, Is.EqualTo(0));
        }

        // A damaged field name is damage too, though the field it stood for (a finished cell's message) is null.
        File.WriteAllText(record, File.ReadAllText(record).Replace("\"message\":", "\"messagf\":", StringComparison.Ordinal));
        var renamed = StudyCli.Run("merge", "--plan", dir);
        Assert.That(renamed.ExitCode, Is.EqualTo(2));
        Assert.That(renamed.Error, Does.Contain($"{record} is not a readable record").And.Contain("'messagf'"));
    }

    [Test]
    public void ResumeNamesADamagedCellRecordAndRunsTheCellAgain()
    {
        string dir = Folder("resume-damaged");
        string[] sweep = { "batch-sweep", "--n-train", "100", "--n-test", "50", "--width", "16", "--seeds", "1", "--batch-sizes", "gd,10", "--max-steps", "20", "--out", dir };
        Assert.That(StudyCli.Run(sweep).ExitCode, Is.EqualTo(0));
        string record = Path.Combine(dir, "runs", "b10-seed0", "cell.json");
        File.WriteAllText(record, "not json");
        var resumed = StudyCli.Run(sweep.Append("--resume").ToArray());
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        Assert.That(resumed.Out, Does.Contain($"cell 1 (b10-seed0): {record} is not a readable record").And.Contain("; run again.")
            .And.Contain("1 of 2 cells finished before"));
        Assert.That(File.ReadAllText(record), Does.Contain("Finished"));
    }

    // Without --resume the plain command empties every cell's folder first and runs it from the start, finished or not
    // (found by mutation testing, round 26C: with the folders kept, the second run read both cells back).
    [Test]
    public void WithoutResumeEveryCellRunsAgain()
    {
        string dir = Folder("again");
        string[] sweep = { "batch-sweep", "--n-train", "100", "--n-test", "50", "--width", "16", "--seeds", "1", "--batch-sizes", "gd,10", "--max-steps", "20", "--jobs", "1", "--out", dir };
        Assert.That(StudyCli.Run(sweep).ExitCode, Is.EqualTo(0));
        string leftover = Path.Combine(dir, "runs", "b10-seed0", "notes.txt");
        File.WriteAllText(leftover, "left in the cell's folder");
        var again = StudyCli.Run(sweep);
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
        Assert.That(again.Out, Does.Not.Contain("finished before"));
        Assert.That(again.Out, Does.Contain("[1/2] cell 0 (gd-seed0): finished in").And.Contain("[2/2] cell 1 (b10-seed0): finished in"));
        Assert.That(File.Exists(leftover), Is.False, "the folder was emptied");
    }

    [Test]
    public void LocalProcessesGiveTheSameFilesAsOneProcess()
    {
        var one = StudyCli.Run("smoke", "--cells", "4", "--steps", "3", "--step-ms", "0", "--out", Folder("one"));
        Assert.That(one.ExitCode, Is.EqualTo(0), one.Error);
        var many = StudyCli.Run("smoke", "--cells", "4", "--steps", "3", "--step-ms", "0", "--jobs", "3", "--out", Folder("many"));
        Assert.That(many.ExitCode, Is.EqualTo(0), many.Error);
        RunFolders.AssertSame(Folder("one"), Folder("many"));
        Assert.That(Directory.GetFiles(Path.Combine(Folder("many"), "logs"), "cell-*.log"), Has.Length.EqualTo(4));
    }

    // Links left in a run folder (copied in, or made by hand) are replaced, never written through: the lock, its
    // description and the cell's log used to land on the file a link pointed to.
    [Test]
    public void LinksInARunFolderAreReplacedNotWrittenThrough()
    {
        string dir = Folder("links");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "2", "--steps", "2", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        string victim = Folder("victim.txt"), dangling = Folder("never-created.txt");
        File.WriteAllText(victim, "precious\n");
        Directory.CreateDirectory(Path.Combine(dir, "locks"));
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        File.CreateSymbolicLink(Path.Combine(dir, "locks", "cell000000.owner"), victim);
        File.CreateSymbolicLink(Path.Combine(dir, "locks", "cell000001.lock"), dangling);
        File.CreateSymbolicLink(Path.Combine(dir, "logs", "cell-1.log"), victim);

        var run = StudyCli.Run("smoke", "--cells", "2", "--steps", "2", "--step-ms", "0", "--jobs", "2", "--out", dir);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
        Assert.That(File.ReadAllText(victim), Is.EqualTo("precious\n"));
        Assert.That(File.Exists(dangling), Is.False);
        Assert.That(new FileInfo(Path.Combine(dir, "logs", "cell-1.log")).LinkTarget, Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(dir, "logs", "cell-1.log")), Does.Contain("cell000001"));
    }

    // A cell configuration edited into plan.json is refused by run-cell in one line naming the cell, the file and the
    // field: steps -3 "finished" at once, and merge then refused the cell and advised run-cell again, for ever.
    [Test]
    public void ACellConfigurationEditedOutOfRangeIsRefusedNamingTheCellAndThePlan()
    {
        string dir = Folder("edited-cell");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "2", "--steps", "2", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        string plan = Path.Combine(dir, "plan.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(plan))!;
        json["cells"]![1]!["configuration"]!["steps"] = -3;
        WriteEditedPlan(plan, json);
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "1"), $"cell 1 (cell000001) of {plan}: steps is -3, expected 1..1000000.");
        Assert.That(File.Exists(Path.Combine(dir, "runs", "cell000001", "cell.json")), Is.False, "nothing is recorded");
    }

    // plan.json edited to name another experiment than its cells': run-cell used to find the finished cell's files
    // wrong for that experiment, delete them, and only then fail on the configuration.
    [TestCase("gd-catapults", false, TestName = "A plan naming gd-catapults for smoke cells costs no finished cell")]
    [TestCase("dominant-subspace", false, TestName = "A plan naming dominant-subspace for smoke cells costs no finished cell")]
    [TestCase("feature-strength", false, TestName = "A plan naming feature-strength for smoke cells costs no finished cell")]
    [TestCase("gd-catapults", true, TestName = "A plan naming its experiment twice is refused")]
    public void APlanNamingAnotherExperimentThanItsCellsChangesNothing(string other, bool twice)
    {
        string dir = Folder($"other-experiment-{other}-{twice}");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "2", "--steps", "2", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        Assert.That(StudyCli.Run("run-cell", "--plan", dir, "--index", "0").ExitCode, Is.EqualTo(0));
        string cell = Path.Combine(dir, "runs", "cell000000");
        var before = Directory.GetFiles(cell, "*", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList();
        string plan = Path.Combine(dir, "plan.json");
        string text = File.ReadAllText(plan);
        if (twice) File.WriteAllText(plan, text.Replace("\"experiment\": \"smoke\"", $"\"experiment\": \"smoke\", \"experiment\": \"{other}\""));
        else WriteEditedPlan(plan, text.Replace("\"experiment\": \"smoke\"", $"\"experiment\": \"{other}\""));
        string line = CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "0"), plan);
        if (!twice) Assert.That(line, Does.Contain($"cell 0 (cell000000) is not a cell of the {other} experiment the plan names").And.EndWith("nothing was changed."));
        var after = Directory.GetFiles(cell, "*", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList();
        Assert.That(after, Is.EqualTo(before), "the finished cell's files are as they were");
    }

    // A folder where cell.json goes: the cell trained in full, then failed writing its record.
    [Test]
    public void AFolderWhereACellsRecordGoesIsRefusedBeforeTheCellRuns()
    {
        string dir = Folder("record-folder");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "2", "--steps", "2", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        string record = Path.Combine(dir, "runs", "cell000001", "cell.json");
        Directory.CreateDirectory(record);
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "1"), record, "is a folder", "remove it");
        CliAssert.OneLineError(StudyCli.Run("merge", "--plan", dir), record, "is a folder");
        Directory.Delete(record);
        Assert.That(StudyCli.Run("run-cell", "--plan", dir, "--index", "1").ExitCode, Is.EqualTo(0));
    }

    // A run's probe indices or checkpoint spacing edited out of range were a cell failure (an index error in the run) or
    // accepted (checkpoints off the record grid skipped); run-cell now refuses them as configuration (found by review).
    [Test]
    public void ARunConfigurationEditedOutOfRangeIsRefusedNamingTheCellAndThePlan()
    {
        string dir = Folder("edited-run");
        PlanTinySgdSpikes(dir, seeds: 2);
        string plan = Path.Combine(dir, "plan.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(plan))!;
        json["cells"]![0]!["configuration"]!["probeIndices"]![0] = 100;
        json["cells"]![1]!["configuration"]!["checkpointEvery"] = 7;
        WriteEditedPlan(plan, json);
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "0"), $"of {plan}: the probe set of b10-seed0 indexes past the 100 training samples");
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "1"), $"of {plan}: checkpointEvery of b10-seed1 is 7, expected 0 or a multiple of recordEvery (5).");
        foreach (var label in new[] { "b10-seed0", "b10-seed1" })
            Assert.That(File.Exists(Path.Combine(dir, "runs", label, "cell.json")), Is.False, "nothing is recorded");
    }

    // An edited plan's settings or data sizes were a cell failure after training (an index error) or a message naming
    // neither file nor field; and --plan given the plan file itself looked for plan.json inside it (found by the CLI review).
    [Test]
    public void EditedSettingsOrDataSizesAreRefusedBeforeTraining()
    {
        string dir = Folder("edited-settings");
        PlanTinySgdSpikes(dir, seeds: 2);
        string plan = Path.Combine(dir, "plan.json");
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", plan, "--index", "0"), $"--plan {plan} is a file; --plan takes the run folder that holds plan.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(plan))!;
        json["settings"]!["fullBatchCriticalRates"] = new System.Text.Json.Nodes.JsonArray(5.0);
        json["cells"]![0]!["configuration"]!["data"]!["trainCount"] = -5;
        WriteEditedPlan(plan, json);
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "0"), $"of {plan}", "--n-train must be at least 1, got -5");
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "1"), "no finite, positive full-batch critical rate for seed 1 (fullBatchCriticalRates: [5])");
        foreach (var label in new[] { "b10-seed0", "b10-seed1" })
        {
            Assert.That(File.Exists(Path.Combine(dir, "runs", label, "steps.csv")), Is.False, "nothing was trained");
            Assert.That(File.Exists(Path.Combine(dir, "runs", label, "cell.json")), Is.False, "nothing is recorded");
        }
    }

    // A critical rate edited to a negative value is refused before training like a missing one (mutation round 22B).
    [Test]
    public void ANegativeCriticalRateInTheSettingsIsRefusedBeforeTraining()
    {
        string dir = Folder("negative-rate");
        PlanTinySgdSpikes(dir, seeds: 1);
        string plan = Path.Combine(dir, "plan.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(plan))!;
        json["settings"]!["fullBatchCriticalRates"] = new System.Text.Json.Nodes.JsonArray(-1.0);
        WriteEditedPlan(plan, json);
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "0"), "no finite, positive full-batch critical rate for seed 0 (fullBatchCriticalRates: [-1])");
        Assert.That(File.Exists(Path.Combine(dir, "runs", "b10-seed0", "steps.csv")), Is.False, "nothing was trained");
    }

    // An infinite critical rate (plan.json may hold "Infinity") is refused before training like a negative one (mutation round 35B).
    [Test]
    public void AnInfiniteCriticalRateInTheSettingsIsRefusedBeforeTraining()
    {
        string dir = Folder("infinite-rate");
        PlanTinySgdSpikes(dir, seeds: 1);
        string plan = Path.Combine(dir, "plan.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(plan))!;
        json["settings"]!["fullBatchCriticalRates"] = new System.Text.Json.Nodes.JsonArray(System.Text.Json.Nodes.JsonValue.Create("Infinity"));
        WriteEditedPlan(plan, json);
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "0"), "no finite, positive full-batch critical rate for seed 0");
        Assert.That(File.Exists(Path.Combine(dir, "runs", "b10-seed0", "steps.csv")), Is.False, "nothing was trained");
    }

    // A finished run written by a build that recorded other steps.csv columns (sgd-spikes had no lambda_max before
    // 5 Dec 2026) was read back by run-cell as finished, and merge then trained it again (found by the CLI review).
    [Test]
    public void AFinishedRunWithOtherColumnsIsRunAgainByRunCellAndRefusedByMerge()
    {
        string dir = Folder("old-columns");
        PlanTinySgdSpikes(dir, seeds: 1);
        Assert.That(StudyCli.Run("run-cell", "--plan", dir, "--index", "0").ExitCode, Is.EqualTo(0));
        var cell = CellPlan.Read(dir).Cells[0];
        string run = CellPlan.CellFolder(dir, cell);
        // The same run, whole, as a build without the column wrote it.
        foreach (var entry in Directory.EnumerateFileSystemEntries(run).Where(e => Path.GetFileName(e) != "cell.json"))
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true); else File.Delete(entry);
        var config = CellPlan.ConfigurationOf<RunConfig>(cell);
        using (var data = StudyData.Load(config.Data))
            RunExecutor.Run(config, data, run, resume: true);
        CellLedger.MarkFinished(dir, cell);
        string steps = Path.Combine(run, "steps.csv");
        string old = File.ReadAllText(steps);
        Assert.That(old.Split('\n')[0], Does.Not.Contain("lambda_max"));

        var merge = StudyCli.Run("merge", "--plan", dir);
        Assert.That(merge.ExitCode, Is.EqualTo(2), merge.Out + merge.Error);
        Assert.That(merge.Out + merge.Error, Does.Contain("steps.csv has the columns []").And.Contain("lambda_max"));
        Assert.That(File.ReadAllText(steps), Is.EqualTo(old), "merge trains nothing");

        var again = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Out + again.Error);
        Assert.That(again.Out, Does.Not.Contain("finished before"));
        Assert.That(File.ReadLines(steps).First(), Does.EndWith(",lambda_max"));
        Assert.That(StudyCli.Run("merge", "--plan", dir).ExitCode, Is.EqualTo(0));
    }

    // Continuing in a folder that holds another experiment's plan replaced its plan and report (found by the CLI review).
    [Test]
    public void ContinuingInAnotherExperimentsFolderIsRefused()
    {
        string dir = Folder("other-experiment");
        Assert.That(StudyCli.Run("plan", "gd-catapults", "--quick", "--out", dir).ExitCode, Is.EqualTo(0));
        string before = File.ReadAllText(Path.Combine(dir, "plan.json"));
        CliAssert.OneLineError(StudyCli.Run("smoke", "--cells", "1", "--steps", "1", "--step-ms", "0", "--out", dir),
            $"{Path.Combine(dir, "plan.json")} holds a plan of gd-catapults, not of smoke; use another --out for smoke.");
        Assert.That(File.ReadAllText(Path.Combine(dir, "plan.json")), Is.EqualTo(before));
    }

    // A one-step cell asked to fail fails at its one step: it was planned to fail at step 1, which it never reaches
    // (found by the CLI review), and run-cell now refuses such a configuration.
    [Test]
    public void AOneStepCellAskedToFailFails()
    {
        string dir = Folder("fail-one-step");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "1", "--steps", "1", "--step-ms", "0", "--fail-cells", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        var run = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(run.ExitCode, Is.EqualTo(1), run.Out + run.Error);
        Assert.That(run.Error, Does.Contain("it fails at step 0 on purpose"));
    }

    // A torn checkpoint is not trusted, and the cell starts over: refusing it failed every retry the same way.
    [Test]
    public void ATornSmokeCheckpointStartsTheCellOver()
    {
        string dir = Folder("torn-smoke");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "1", "--steps", "3", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        string checkpoint = Path.Combine(dir, "runs", "cell000000", "checkpoint.json");
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        File.WriteAllText(checkpoint, "{\"step\": 1, \"val");
        var run = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
        Assert.That(run.Out, Does.Contain("cell000000: " + checkpoint + " is not valid").And.Contain("the cell starts over"));
        Assert.That(StudyCli.Run("merge", "--plan", dir).ExitCode, Is.EqualTo(0));
    }

    // A value changed inside plan.json that still reads as a plan (a digit, a number cut from the settings' survey) went
    // into the merged report (found by random damage, 6 Dec 2026); the plan now carries the digest of the rest of itself.
    // Format 1, written before, has none and is still read.
    [Test]
    public void APlanChangedInsideIsRefusedByItsDigestAndAFormatOnePlanStillReads()
    {
        string dir = FinishedSmokePlan("digest");
        string plan = Path.Combine(dir, "plan.json");
        string original = File.ReadAllText(plan);
        Assert.That(original, Does.StartWith("{\n  \"format\": 2,\n  \"digest\": \""));

        var json = System.Text.Json.Nodes.JsonNode.Parse(original)!;
        json["cells"]![1]!["configuration"]!["steps"] = 3;
        File.WriteAllText(plan, json.ToJsonString());
        CliAssert.OneLineError(StudyCli.Run("merge", "--plan", dir), $"{plan} does not match the digest written with it (damaged or edited)");
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "0"), $"{plan} does not match the digest written with it");

        json = System.Text.Json.Nodes.JsonNode.Parse(original)!;
        json.AsObject().Remove("digest");
        File.WriteAllText(plan, json.ToJsonString());
        CliAssert.OneLineError(StudyCli.Run("merge", "--plan", dir), $"{plan} has no digest, which format 2 writes");

        WriteEditedPlan(plan, original);
        var merge = StudyCli.Run("merge", "--plan", dir);
        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Out + merge.Error);
    }

    // A plan edited by hand, written as format 1, which carries no digest: what such a plan holds must still be checked.
    private static void WriteEditedPlan(string path, System.Text.Json.Nodes.JsonNode json)
    {
        json["format"] = 1;
        json.AsObject().Remove("digest");
        File.WriteAllText(path, json.ToJsonString());
    }

    private static void WriteEditedPlan(string path, string text) => WriteEditedPlan(path, System.Text.Json.Nodes.JsonNode.Parse(text)!);

    // A folder holding a plan of two smoke cells, both finished.
    private string FinishedSmokePlan(string name)
    {
        string dir = Folder(name);
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "2", "--steps", "2", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        for (int i = 0; i < 2; i++) Assert.That(StudyCli.Run("run-cell", "--plan", dir, "--index", i.ToString()).ExitCode, Is.EqualTo(0));
        return dir;
    }

    // Re-indenting plan.json (a tool that pretty-prints JSON) changes no meaning: the finished cells stay its own.
    [Test]
    public void APlanReformattedWithoutChangeOfMeaningKeepsItsFinishedCells()
    {
        string dir = FinishedSmokePlan("reformatted");
        string plan = Path.Combine(dir, "plan.json");
        File.WriteAllText(plan, System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(plan))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var merge = StudyCli.Run("merge", "--plan", dir);
        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Out + merge.Error);
        var again = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
        Assert.That(again.Out, Does.Not.Contain("run again"));
    }

    // A writer killed between writing its temporary file and renaming it leaves the file behind; the next run of the
    // cell, under its lock, removes it (for a large model it is the size of the weights).
    [Test]
    public void TemporaryFilesOfAKilledRunAreRemovedWhenTheCellRunsAgain()
    {
        string dir = Folder("leftovers");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "1", "--steps", "2", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        string cell = Path.Combine(dir, "runs", "cell000000");
        Directory.CreateDirectory(Path.Combine(cell, "sub"));
        string[] leftovers = { Path.Combine(cell, ".checkpoint.json.4242-0123456789abcdef.tmp"), Path.Combine(cell, "sub", ".model.safetensors.4242-fedcba.tmp") };
        foreach (var f in leftovers) File.WriteAllText(f, "half");
        string kept = Path.Combine(cell, "notes.tmp");
        File.WriteAllText(kept, "not a writer's");
        var run = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
        Assert.That(leftovers.Where(File.Exists), Is.Empty);
        Assert.That(File.Exists(kept), Is.True, "only the writer's own temporary files are removed");
    }

    // Two plan commands on one new folder at once, with other options: one plan wins and the other is refused, so the
    // folder never holds one plan beside the other's Slurm script (it held 5 cells with --array=0-2).
    [Test]
    public void TwoPlansRacingIntoOneFolderNeverMix()
    {
        var command = StudyProcess.Command();
        for (int round = 0; round < 4; round++)
        {
            string dir = Folder($"race{round}");
            var processes = new[] { "3", "5" }.Select(cells =>
            {
                var info = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in command.Skip(1).Concat(new[] { "plan", "smoke", "--cells", cells, "--out", dir, "--emit", "slurm" })) info.ArgumentList.Add(a);
                return Process.Start(info)!;
            }).ToList();
            foreach (var p in processes) { p.StandardOutput.ReadToEnd(); p.StandardError.ReadToEnd(); p.WaitForExit(); }
            var codes = processes.Select(p => p.ExitCode).OrderBy(c => c).ToArray();
            Assert.That(codes, Is.EqualTo(new[] { 0, 2 }), $"round {round}: one plan wins, the other is refused");
            using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "plan.json")));
            int cells = plan.RootElement.GetProperty("cells").GetArrayLength();
            Assert.That(File.ReadAllText(Path.Combine(dir, "slurm", "cells.sbatch")), Does.Contain($"#SBATCH --array=0-{cells - 1}%"), $"round {round}: the script is the plan's");
            foreach (var p in processes) p.Dispose();
        }
    }

    // .NET's $ matches before a final line break: a label "cell000001\n" passed, and made folders with a line break in their name.
    [Test]
    public void ALabelEndingInALineBreakIsRefused()
    {
        string dir = Folder("newline");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "2", "--steps", "2", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        string plan = Path.Combine(dir, "plan.json");
        File.WriteAllText(plan, File.ReadAllText(plan).Replace("\"cell000001\"", "\"cell000001\\n\""));
        var run = StudyCli.Run("run-cell", "--plan", dir, "--index", "1");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        CliAssert.OneLineError(run, plan);
        Assert.That(Directory.Exists(Path.Combine(dir, "runs", "cell000001\n")), Is.False);
    }

    [Test]
    public void CellKilledMidRunResumesFromItsCheckpointAndEndsIdentical()
    {
        StudyCli.Run("smoke", "--cells", "1", "--steps", "6", "--step-ms", "0", "--out", Folder("whole"));
        string dir = Folder("killed");
        StudyCli.Run("plan", "smoke", "--cells", "1", "--steps", "6", "--step-ms", "300", "--out", dir);
        string cell = Path.Combine(dir, "runs", "cell000000");

        var command = StudyProcess.Command();
        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1).Concat(new[] { "run-cell", "--plan", dir, "--index", "0" })) info.ArgumentList.Add(a);
        using (var child = Process.Start(info)!)
        {
            var watch = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(cell, "checkpoint.json")) && watch.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
            Thread.Sleep(400);
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        Assert.That(File.Exists(Path.Combine(cell, "checkpoint.json")), "killed after a checkpoint");
        Assert.That(File.Exists(Path.Combine(cell, "cell.json")), Is.False, "a killed cell has no record");
        int stepAtKill = JsonDocument.Parse(File.ReadAllText(Path.Combine(cell, "checkpoint.json"))).RootElement.GetProperty("step").GetInt32();
        Assert.That(stepAtKill, Is.InRange(1, 5));

        var resumed = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        Assert.That(StudyCli.Run("merge", "--plan", dir).ExitCode, Is.EqualTo(0));
        // The step time is part of the configuration, so the plans differ; the cell's result and the report's values do not.
        Assert.That(File.ReadAllText(Path.Combine(cell, "result.json")), Is.EqualTo(File.ReadAllText(Path.Combine(Folder("whole"), "runs", "cell000000", "result.json"))));
        Assert.That(File.ReadAllText(Path.Combine(dir, "report.md")), Is.EqualTo(File.ReadAllText(Path.Combine(Folder("whole"), "report.md"))));
    }

    [Test]
    public void ACellThatAnotherProcessRunsIsLeftAloneWithExitCode75()
    {
        string dir = Folder("busy");
        StudyCli.Run("plan", "smoke", "--cells", "2", "--steps", "20", "--step-ms", "250", "--out", dir);
        byte[] plan = File.ReadAllBytes(Path.Combine(dir, "plan.json"));
        string owner = Path.Combine(dir, "locks", "cell000000.owner");

        var command = StudyProcess.Command();
        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1).Concat(new[] { "run-cell", "--plan", dir, "--index", "0" })) info.ArgumentList.Add(a);
        info.Environment["SLURM_ARRAY_JOB_ID"] = "812";
        info.Environment["SLURM_ARRAY_TASK_ID"] = "0";
        using var child = Process.Start(info)!;
        var watch = Stopwatch.StartNew();
        while (!File.Exists(owner) && watch.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);

        // A second task of the same index (a resubmitted array index, a replaced pod) leaves the cell to the first.
        var second = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        CliAssert.OneLineError(second, CellBusyException.ExitCode, "cell 0 (cell000000) is being run by process " + child.Id, "(Slurm job 812_0)", "leaves it alone");
        // The plain command owns the whole folder, so it refuses before it replaces the plan or empties a cell.
        var plain = StudyCli.Run("smoke", "--cells", "2", "--steps", "3", "--step-ms", "0", "--out", dir);
        Assert.That(plain.ExitCode, Is.EqualTo(2));
        CliAssert.OneLineError(plain, dir + " is in use: cell 0 (cell000000) is being run by process " + child.Id, "another --out");
        Assert.That(File.ReadAllBytes(Path.Combine(dir, "plan.json")), Is.EqualTo(plan));
        // merge names the running task beside the missing cell, reading its description, not its lock.
        var early = StudyCli.Run("merge", "--plan", dir);
        Assert.That(early.ExitCode, Is.EqualTo(2));
        var lines = early.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("error: 2 of 2 cells of ").And.Contain("missing 0-1"));
        Assert.That(lines, Has.Length.EqualTo(2), early.Error);
        Assert.That(lines[1], Does.StartWith("  cell 0 (cell000000): taken by process " + child.Id).And.Contain("(Slurm job 812_0)")
            .And.EndWith("and not released: still running, or killed."));

        Assert.That(child.WaitForExit(TimeSpan.FromSeconds(120)), "the first task ends");
        Assert.That(child.ExitCode, Is.EqualTo(0), child.StandardError.ReadToEnd());
        Assert.That(File.Exists(owner), Is.False, "the holder's description goes with its lock");
        var after = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(after.ExitCode, Is.EqualTo(0), after.Error);
        Assert.That(after.Out, Does.Contain("finished before; read back, not rerun"));
        Assert.That(StudyCli.Run("run-cell", "--plan", dir, "--index", "1").ExitCode, Is.EqualTo(0));
        Assert.That(StudyCli.Run("merge", "--plan", dir).ExitCode, Is.EqualTo(0));
    }

    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void ThePlainCommandHoldsOneLockAtATimeSoManyCellsFitALowOpenFileLimit()
    {
        // .NET raises the soft limit to the hard one, so the hard limit is what counts: 256 open files for 600 cells.
        string dir = Folder("many");
        string command = string.Join(" ", StudyProcess.Command().Select(a => $"'{a}'"));
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", $"ulimit -Sn 256 && ulimit -Hn 256 && exec {command} smoke --cells 600 --steps 1 --step-ms 0 --jobs 1 --out '{dir}'" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(3)), "the command ends");
        Assert.That(process.ExitCode, Is.EqualTo(0), error);
        Assert.That(output.Result, Does.Contain("600 cells merged"));
        Assert.That(Directory.GetFiles(Path.Combine(dir, CellLock.FolderName), "*.owner"), Is.Empty, "every lock was let go with its description");
    }

    [Test]
    public void ALockThatCannotBeMadeIsOneLineAndNotTheCellsFailure()
    {
        string dir = Folder("no-locks");
        StudyCli.Run("plan", "smoke", "--cells", "1", "--steps", "2", "--step-ms", "0", "--out", dir);
        File.WriteAllText(Path.Combine(dir, CellLock.FolderName), "a file where the locks' folder goes");
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "0"), "cannot take the lock " + Path.Combine(dir, "locks", "cell000000.lock"));
        Assert.That(Directory.Exists(Path.Combine(dir, "runs", "cell000000")), Is.False, "nothing ran, and no record says the cell failed");
    }

    // The description is the holder's own text, and a folder may be shared: a right-to-left override in it reordered
    // the line it was printed in, as no control character was found there to replace.
    [Test]
    public void AnOwnersFormatAndSeparatorCharactersAreNotPrinted()
    {
        string dir = Folder("owner-text");
        StudyCli.Run("plan", "smoke", "--cells", "1", "--steps", "2", "--step-ms", "0", "--out", dir);
        Directory.CreateDirectory(Path.Combine(dir, CellLock.FolderName));
        File.WriteAllText(Path.Combine(dir, CellLock.FolderName, "cell000000.owner"), "process 1\u202Etxt.exe\u200B\u2028next\U000E0041\u001b[31m");
        var merge = StudyCli.Run("merge", "--plan", dir);
        Assert.That(merge.ExitCode, Is.EqualTo(2));
        Assert.That(merge.Error, Does.Contain("taken by process 1 txt.exe"), merge.Error);
        var hidden = merge.Error.EnumerateRunes().Where(r => r.Value != '\n' && (System.Text.Rune.IsControl(r)
            || System.Text.Rune.GetUnicodeCategory(r) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator));
        Assert.That(hidden.Select(r => r.Value), Is.Empty, merge.Error);
    }

    [Test]
    public void TheHolderIsDescribedByProcessHostAndSlurmJob()
    {
        string Describe(params (string Name, string Value)[] set) =>
            CellLock.Describe(name => set.FirstOrDefault(v => v.Name == name).Value);
        string prefix = $"process {Environment.ProcessId} on {Environment.MachineName}";
        Assert.That(Describe(), Does.StartWith(prefix + ", since "));
        Assert.That(Describe(("SLURM_JOB_ID", "77")), Does.StartWith(prefix + " (Slurm job 77), since "));
        Assert.That(Describe(("SLURM_JOB_ID", "78"), ("SLURM_ARRAY_JOB_ID", "77"), ("SLURM_ARRAY_TASK_ID", "4")), Does.StartWith(prefix + " (Slurm job 77_4), since "));
    }

    [TestCase("INT")]
    [TestCase("TERM")]
    public void ASignalToThePlainCommandStopsItsCellProcessesAndTheRerunResumes(string signal)
    {
        // 100 steps of 50 ms: room for the signal to reach the command while its cells run, on a loaded machine too.
        string[] options = { "smoke", "--cells", "2", "--steps", "100", "--step-ms", "50" };
        string dir = Folder("signalled");
        var checkpoints = new[] { 0, 1 }.Select(i => Path.Combine(dir, "runs", $"cell{i:D6}", "checkpoint.json")).ToArray();
        // The smoke command has no --resume: rerunning it continues its cells.
        Signal(options.Concat(new[] { "--jobs", "2" }), dir, () => checkpoints.All(File.Exists), signal,
            "cancelled; rerun the same command to continue from what is finished.");
        // With no cell process left, the checkpoints stay as the signal left them.
        var left = checkpoints.Select(File.ReadAllText).ToArray();
        Thread.Sleep(300);
        Assert.That(checkpoints.Select(File.ReadAllText), Is.EqualTo(left));
        Assert.That(left.Select(c => JsonDocument.Parse(c).RootElement.GetProperty("step").GetInt32()), Is.All.InRange(1, 99));

        // The rerun continues both cells from their checkpoints and ends as an uninterrupted run does.
        var rerun = StudyCli.Run(options.Concat(new[] { "--jobs", "1", "--out", dir }).ToArray());
        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.Out + rerun.Error);
        var whole = StudyCli.Run("smoke", "--cells", "2", "--steps", "100", "--step-ms", "0", "--out", Folder("whole"));
        Assert.That(whole.ExitCode, Is.EqualTo(0), whole.Error);
        foreach (var cell in new[] { "cell000000", "cell000001" })
            Assert.That(File.ReadAllText(Path.Combine(dir, "runs", cell, "result.json")), Is.EqualTo(File.ReadAllText(Path.Combine(Folder("whole"), "runs", cell, "result.json"))), cell);
    }

    [Test]
    public void ASignalToTheMainJobStopsItsRunProcessesAndPointsToResume()
    {
        string dir = Folder("main-job");
        // Two long b = 5 runs of the quick preset, as processes; each checkpoints every 200 steps.
        string[] args = { "--quick", "--batch-sizes", "5", "--seeds", "2", "--epochs", "1000", "--target-loss", "0", "--jobs", "2" };
        var checkpoints = new[] { "b5-seed0", "b5-seed1" }.Select(l => Path.Combine(dir, "runs", l, "checkpoint")).ToArray();
        Signal(args, dir, () => checkpoints.All(Directory.Exists), "INT", "cancelled; rerun with --resume to continue from the last checkpoint.");
    }

    // Found by mutation testing (6 Dec 2026), the second case: a handler that recorded every signal ended a job stopped
    // by Ctrl-C and then by the scheduler's SIGTERM with 143, where the first signal, SIGINT, says 130.
    [TestCase("TERM", null)]
    [TestCase("INT", "TERM")]
    public void AStepStillRunningFiveSecondsAfterTheSignalIsCutShortWithALine(string signal, string? then)
    {
        string dir = Folder(then is null ? "grace" : "second-signal");
        string cell = Path.Combine(dir, "runs", "cell000000");
        // One 30-second step: the signal comes a second into it, and the step cannot end within the grace period.
        Signal(new[] { "smoke", "--cells", "1", "--steps", "1", "--step-ms", "30000" }, dir, () =>
        {
            if (!Directory.Exists(cell)) return false;
            Thread.Sleep(1000);
            return true;
        }, signal, "cancelled; the step in progress did not end within 5 s of the signal, so the command stopped there.", then);
        Assert.That(File.Exists(Path.Combine(cell, "result.json")), Is.False, "the cell did not finish");
    }

    // Starts the study with `args` and `--out dir` as its own process, waits until `started`, sends it alone
    // SIG`signal`, and checks that it ends with the shell's code for that signal (128 + 2 for INT, 128 + 15 for TERM)
    // and the one line `message` on stderr, and that no process is left running a cell of `dir`. `then`, when given, is
    // a second signal sent half a second after the first, which must change neither the code nor the message.
    private static void Signal(IEnumerable<string> args, string dir, Func<bool> started, string signal, string message, string? then = null)
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("reads /proc, sends signals with kill(2) and starts the command through GNU env(1)");
        if (!EnvResetsSignals.Value) Assert.Ignore("env(1) here has no --default-signal (GNU coreutils 8.31 or later has it)");
        var command = StudyProcess.Command();
        // Started as from a terminal, with SIGINT's default disposition: a test run started in the background by a
        // shell without job control ignores SIGINT, and a process keeps an ignored SIGINT across exec, as POSIX has it
        // (so the command, rightly, would not see the signal). env(1) execs the command in its own process.
        var info = new ProcessStartInfo("env") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--default-signal=INT", command[0] }.Concat(command.Skip(1)).Concat(args).Concat(new[] { "--out", dir })) info.ArgumentList.Add(a);
        using var parent = Process.Start(info)!;
        var stderr = parent.StandardError.ReadToEndAsync();
        var stdout = parent.StandardOutput.ReadToEndAsync();
        var watch = Stopwatch.StartNew();
        while (!started() && !parent.HasExited && watch.Elapsed < TimeSpan.FromSeconds(90)) Thread.Sleep(20);
        Assert.That(started(), "the cell processes started: " + (parent.HasExited ? stdout.Result + stderr.Result : ""));
        // Sent from this process, at once, rather than by starting kill(1).
        Assert.That(Kill(parent.Id, signal == "TERM" ? 15 : 2), Is.Zero, "kill(2)");
        if (then is not null)
        {
            Thread.Sleep(500);
            Assert.That(Kill(parent.Id, then == "TERM" ? 15 : 2), Is.Zero, "kill(2), the second signal");
        }
        if (!parent.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            // What it was doing, for the report, before it is ended.
            string state = File.ReadAllLines($"/proc/{parent.Id}/status").FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "no state";
            parent.Kill(entireProcessTree: true);
            parent.WaitForExit();
            Assert.Fail($"the command did not end within 30 s of SIG{signal} ({state}); its output: {stdout.Result} {stderr.Result}");
        }
        Assert.That(parent.ExitCode, Is.EqualTo(signal == "TERM" ? 143 : 130), stdout.Result + stderr.Result);
        Assert.That(stderr.Result.Trim(), Is.EqualTo(message));
        var deadline = Stopwatch.StartNew();
        while (CellProcessesOf(dir).Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(50);
        Assert.That(CellProcessesOf(dir), Is.Empty, "cell processes still running");
    }

    private static readonly Lazy<bool> EnvResetsSignals = new(() =>
    {
        try
        {
            using var env = Process.Start(new ProcessStartInfo("env", new[] { "--default-signal=INT", "true" }) { UseShellExecute = false, RedirectStandardError = true })!;
            env.WaitForExit();
            return env.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    // The processes whose command line runs a cell of the plan in `dir`.
    private static List<int> CellProcessesOf(string dir) => Directory.EnumerateDirectories("/proc")
        .Select(p => (Id: int.TryParse(Path.GetFileName(p), out int id) ? id : -1, Path: p)).Where(p => p.Id > 0)
        .Where(p =>
        {
            try
            {
                var parts = File.ReadAllText(Path.Combine(p.Path, "cmdline")).Split('\0');
                return parts.Contains("run-cell") && parts.Contains(dir);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }).Select(p => p.Id).ToList();
}
