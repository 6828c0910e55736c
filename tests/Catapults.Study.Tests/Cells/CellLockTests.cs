using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// CellLock: a held lock of an earlier plan's cell keeps a new plan out of the folder; a long holder description is cut
/// to 200 characters; a Slurm job is named by its array job and task only when both are set. Found by mutation testing
/// (round 15B).
/// </summary>
public sealed class CellLockTests
{
    private static CellPlan Plan(params string[] labels) =>
        CellPlan.Create("smoke", null, new { }, labels.Select((l, i) => (l, new { Index = i, Steps = 2 })));

    [Test]
    public void AHeldLockOfAnEarlierPlansCellIsBusy()
    {
        using var temp = new TempDirectory();
        var earlier = Plan("old0", "old1");
        var later = Plan("new0");
        using (CellLock.Take(temp.Path, earlier.Cells[1]))
        {
            var ex = Assert.Throws<CellBusyException>(() => CellLock.RequireFree(temp.Path, later));
            Assert.That(ex!.Message, Does.StartWith($"a cell of an earlier plan ({Path.GetFullPath(CellLock.PathOf(temp.Path, earlier.Cells[1]))}) is being run by process {Environment.ProcessId} "));
        }
        Assert.DoesNotThrow(() => CellLock.RequireFree(temp.Path, later), "released");
    }

    [Test]
    public void ALongHolderDescriptionIsCutTo200Characters()
    {
        using var temp = new TempDirectory();
        var cell = Plan("a").Cells[0];
        string owner = Path.ChangeExtension(CellLock.PathOf(temp.Path, cell), ".owner");
        Directory.CreateDirectory(Path.GetDirectoryName(owner)!);
        File.WriteAllText(owner, new string('x', 300));
        Assert.That(CellLock.TakenBy(temp.Path, cell), Is.EqualTo(new string('x', 200) + "…"));
        File.WriteAllText(owner, new string('y', 200));
        Assert.That(CellLock.TakenBy(temp.Path, cell), Is.EqualTo(new string('y', 200)));
    }

    // A description that is blank (a holder cut off while writing it) names no holder: merge must not print "taken by ".
    [TestCase("")]
    [TestCase(" \n")]
    public void ABlankHolderDescriptionNamesNoHolder(string text)
    {
        using var temp = new TempDirectory();
        var cell = Plan("a").Cells[0];
        string owner = Path.ChangeExtension(CellLock.PathOf(temp.Path, cell), ".owner");
        Directory.CreateDirectory(Path.GetDirectoryName(owner)!);
        File.WriteAllText(owner, text);
        Assert.That(CellLock.TakenBy(temp.Path, cell), Is.Null);
    }

    [Test]
    public void AnArrayJobWithoutItsTaskIsNamedByTheJob()
    {
        string Describe(params (string Name, string Value)[] set) =>
            CellLock.Describe(name => set.FirstOrDefault(v => v.Name == name).Value);
        string prefix = $"process {Environment.ProcessId} on {Environment.MachineName}";
        Assert.That(Describe(("SLURM_JOB_ID", "78"), ("SLURM_ARRAY_JOB_ID", "77")), Does.StartWith(prefix + " (Slurm job 78), since "));
        Assert.That(Describe(("SLURM_JOB_ID", "78"), ("SLURM_ARRAY_TASK_ID", "4")), Does.StartWith(prefix + " (Slurm job 78), since "));
        Assert.That(Describe(("SLURM_ARRAY_JOB_ID", "77"), ("SLURM_ARRAY_TASK_ID", "")), Does.StartWith(prefix + ", since "));
    }

    // An empty SLURM_JOB_ID (set but blank) is no job: the holder is not named "Slurm job " with nothing after it
    // (found by mutation testing, round 33B).
    [Test]
    public void ABlankSlurmJobIsNotNamed()
    {
        string described = CellLock.Describe(name => name == "SLURM_JOB_ID" ? "" : null);
        Assert.That(described, Does.StartWith($"process {Environment.ProcessId} on {Environment.MachineName}, since "));
    }

    // TakenBy's text is shown as one line: a line or paragraph separator in the description is replaced like a control
    // character, whoever prints it (found by mutation testing, round 33B; merge's own one-line check hid it).
    [Test]
    public void LineAndParagraphSeparatorsInADescriptionAreReplaced()
    {
        using var temp = new TempDirectory();
        var cell = Plan("a").Cells[0];
        string owner = Path.ChangeExtension(CellLock.PathOf(temp.Path, cell), ".owner");
        Directory.CreateDirectory(Path.GetDirectoryName(owner)!);
        File.WriteAllText(owner, "process 1\u2028on node2\u2029since then");
        Assert.That(CellLock.TakenBy(temp.Path, cell), Is.EqualTo("process 1 on node2 since then"));
    }
}
