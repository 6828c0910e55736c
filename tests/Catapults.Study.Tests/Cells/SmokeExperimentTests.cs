using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// The smoke experiment's cells run in this process (run-cell, no child processes): --fail-cells takes the plan's
/// indices only, a failing step must be one of the cell's, a finished cell leaves its result and no checkpoint, a
/// checkpoint of the last step is resumed rather than distrusted, and the merge reports the values' XOR. Found by
/// mutation testing (round 33B).
/// </summary>
public sealed class SmokeExperimentTests
{
    private static CellPlan PlanAndRun(string dir, int cells, int steps)
    {
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", cells.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--step-ms", "0", "--out", dir);
        Assert.That(code, Is.EqualTo(0), error);
        var plan = CellPlan.Read(dir);
        foreach (var cell in plan.Cells)
        {
            var run = StudyCli.Run("run-cell", "--plan", dir, "--index", cell.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
        }
        return plan;
    }

    // The indices are 0..cells-1: an index equal to the number of cells names no cell.
    [Test]
    public void AFailingCellBeyondThePlanIsRefused()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "4", "--fail-cells", "4", "--out", temp.Combine("run"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--fail-cells: '4' is not a cell index in 0..3."));
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "4", "--fail-cells", "3", "--out", temp.Combine("last")).ExitCode, Is.EqualTo(0));
    }

    // A finished cell's folder holds its result and its record; its checkpoint, which a rerun would resume from, is gone.
    [Test]
    public void AFinishedCellLeavesItsResultAndNoCheckpoint()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var plan = PlanAndRun(dir, cells: 1, steps: 3);
        string folder = CellPlan.CellFolder(dir, plan.Cells[0]);
        Assert.That(Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal), Is.EqualTo(new[] { CellRecord.FileName, "result.json" }));
        Assert.That(StudyJson.Read<SmokeCheckpoint>(Path.Combine(folder, "result.json")),
            Is.EqualTo(SmokeExperiment.FinalState(CellPlan.ConfigurationOf<SmokeCell>(plan.Cells[0]))));
    }

    // A cell killed after its last step's checkpoint, before its result, resumes from that checkpoint: it is sound
    // (step = steps), not damage to announce and start over from.
    [Test]
    public void ACheckpointOfTheLastStepIsResumedWithoutANotice()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "1", "--steps", "2", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        var cell = CellPlan.Read(dir).Cells[0];
        var final = SmokeExperiment.FinalState(CellPlan.ConfigurationOf<SmokeCell>(cell));
        string folder = CellPlan.CellFolder(dir, cell);
        Directory.CreateDirectory(folder);
        StudyJson.Write(Path.Combine(folder, "checkpoint.json"), final);
        var run = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
        Assert.That(run.Out, Does.Not.Contain("starts over"));
        Assert.That(StudyJson.Read<SmokeCheckpoint>(Path.Combine(folder, "result.json")), Is.EqualTo(final));
    }

    // The report's one summary line is the XOR of the cells' values, and its table lists each cell's value.
    [Test]
    public void TheMergeReportsTheXorOfTheCellsValues()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var plan = PlanAndRun(dir, cells: 3, steps: 2);
        var values = plan.Cells.Select(c => SmokeExperiment.FinalState(CellPlan.ConfigurationOf<SmokeCell>(c)).Value).ToList();
        Assert.That(values.Distinct().Count(), Is.EqualTo(3), "each cell has its own sequence");
        var merge = StudyCli.Run("merge", "--plan", dir);
        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Error);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.That(report, Does.Contain($"3 cells; the values' XOR is {values[0] ^ values[1] ^ values[2]:x16}.\n"));
        for (int i = 0; i < 3; i++)
            Assert.That(report, Does.Contain($"| {i} | {plan.Cells[i].Label} | 2 | {values[i]:x16} |\n"));
    }

    // A cell runs only a configuration Plan could have written: failing "at" the step after the last would never fail,
    // and an edited plan.json that asks for it is refused by name.
    [TestCase(2)]
    [TestCase(-1)]
    public void AFailingStepOutsideTheCellsStepsIsRefused(int failAt)
    {
        using var temp = new TempDirectory();
        var plan = CellPlan.Create("smoke", null, new { }, new[] { ("a", new SmokeCell(1000, 2, 0, failAt)) });
        string folder = CellPlan.CellFolder(temp.Path, plan.Cells[0]);
        Directory.CreateDirectory(folder);
        var context = new CellContext(plan, plan.Cells[0], temp.Path, folder, _ => { });
        var ex = Assert.Throws<ConfigurationException>(() => new SmokeExperiment().RunCell(context, CancellationToken.None));
        Assert.That(ex!.Message, Is.EqualTo($"failAtStep is {failAt}, expected a step in 0..1 or null."));
        Assert.That(File.Exists(Path.Combine(folder, "result.json")), Is.False);
    }
}
