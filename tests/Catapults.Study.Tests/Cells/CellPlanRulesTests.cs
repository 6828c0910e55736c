using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// CellPlan's rules on plans made in the test: the indices a plan has, threads of at least 1, the formats it reads
/// (1 to the current), labels of 1 to 100 file-name characters, a configuration for every cell, and writing into a
/// folder with a plan there (the same plan again is a no-op; another is named). Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class CellPlanRulesTests
{
    private static IEnumerable<(string, object?)> Cells(params string[] labels) => labels.Select(l => (l, (object?)new { Name = l }));

    private static CellPlan Plan(params string[] labels) => CellPlan.Create("smoke", null, new { }, Cells(labels));

    [Test]
    public void OnlyTheIndicesOfItsCellsAreCells()
    {
        var plan = Plan("a", "b", "c");
        Assert.Multiple(() =>
        {
            Assert.That(plan.CellAt(0).Label, Is.EqualTo("a"));
            Assert.That(plan.CellAt(2).Label, Is.EqualTo("c"));
            Assert.That(Assert.Throws<ConfigurationException>(() => plan.CellAt(3))!.Message, Does.Contain("its 3 cells are 0..2"));
            Assert.Throws<ConfigurationException>(() => plan.CellAt(-1));
        });
    }

    [Test]
    public void ThreadsMustBeAtLeastOne()
    {
        var ex = Assert.Throws<ArgumentException>(() => CellPlan.Create("smoke", 0, new { }, Cells("a")));
        Assert.That(ex!.Message, Does.Contain("threads must be at least 1, got 0"));
        Assert.That(CellPlan.Create("smoke", 1, new { }, Cells("a")).Threads, Is.EqualTo(1));
    }

    [Test]
    public void AFormatBelowOneIsRefused()
    {
        using var temp = new TempDirectory();
        string json = Plan("a").ToJson();
        Assert.That(json, Does.Contain("\"format\": 2,"));
        File.WriteAllText(CellPlan.PathIn(temp.Path), json.Replace("\"format\": 2,", "\"format\": 0,"));
        var ex = Assert.Throws<ConfigurationException>(() => CellPlan.Read(temp.Path));
        Assert.That(ex!.Message, Does.Contain("has format 0; this version reads formats 1 to 2"));
    }

    [Test]
    public void ALabelHoldsAtMostOneHundredCharacters()
    {
        Assert.That(Plan(new string('a', 100)).Cells[0].Label, Has.Length.EqualTo(100));
        var ex = Assert.Throws<ArgumentException>(() => Plan(new string('a', 101)));
        Assert.That(ex!.Message, Does.Contain("1 to 100 characters"));
    }

    [Test]
    public void ACellWithoutAConfigurationIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => CellPlan.Create("smoke", null, new { }, new[] { ("a", (object?)null) }));
        Assert.That(ex!.Message, Does.Contain("cell 0 (a) has no configuration"));
    }

    [TestCase("")]
    [TestCase(" ")]
    public void AnUnnamedExperimentIsRefused(string experiment)
    {
        var ex = Assert.Throws<ArgumentException>(() => CellPlan.Create(experiment, null, new { }, Cells("a")));
        Assert.That(ex!.Message, Does.StartWith("the experiment is not named."));
    }

    // A plan without cells would leave run-cell no index and merge nothing to report from.
    [Test]
    public void APlanWithoutCellsIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Plan());
        Assert.That(ex!.Message, Does.StartWith("the plan has no cells."));
    }

    [Test]
    public void WritingIntoAFolderWithAPlanNamesWhatIsThere()
    {
        using var temp = new TempDirectory();
        Plan("a", "b").Write(temp.Path);
        Assert.DoesNotThrow(() => Plan("a", "b").Write(temp.Path), "the same plan again");
        var other = Assert.Throws<ConfigurationException>(() => Plan("a", "c").Write(temp.Path));
        Assert.That(other!.Message, Does.Contain("holds a plan of smoke with 2 cells and other options"));
        var smaller = Assert.Throws<ConfigurationException>(() => Plan("a").Write(temp.Path));
        Assert.That(smaller!.Message, Does.Contain("holds a plan of smoke with 2 cells, whose cells"));
        File.WriteAllText(CellPlan.PathIn(temp.Path), "{ \"format\": 2, \"exper");
        var torn = Assert.Throws<ConfigurationException>(() => Plan("a", "b").Write(temp.Path));
        Assert.That(torn!.Message, Does.Contain("holds an unreadable plan, whose cells this folder keeps"));
    }

    // A label starts with a letter or a digit: "." and ".." would make a cell's folder runs/ itself or the run folder,
    // whose emptying before a rerun would take every cell with it (found by mutation testing, round 33B).
    [TestCase(".")]
    [TestCase("..")]
    [TestCase("-a")]
    [TestCase("_a")]
    public void ALabelStartsWithALetterOrADigit(string label)
    {
        var ex = Assert.Throws<ArgumentException>(() => Plan(label));
        Assert.That(ex!.Message, Does.Contain($"cell 0's label '{label}' is not a file name"));
    }

    // An unreadable plan.json is left to the caller's own checks (Write names it); only a readable plan of another
    // experiment is refused (found by mutation testing, round 33B).
    [Test]
    public void OnlyAReadablePlanOfAnotherExperimentIsRefusedAsAnotherExperiments()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(CellPlan.PathIn(temp.Path), "{ \"format\": 2, \"exper");
        Assert.DoesNotThrow(() => Plan("a").RequireSameExperimentIn(temp.Path));
        CellPlan.Create("other", null, new { }, Cells("a")).Write(temp.Path, replace: true);
        var ex = Assert.Throws<ConfigurationException>(() => Plan("a").RequireSameExperimentIn(temp.Path));
        Assert.That(ex!.Message, Does.Contain("holds a plan of other, not of smoke"));
    }
}
