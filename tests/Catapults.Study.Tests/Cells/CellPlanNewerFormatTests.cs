using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// A plan of a format newer than this version reads is refused as such, before its digest is looked at: the user must
/// learn to update the program, not that the plan is damaged. Found by mutation testing (round 11B).
/// </summary>
public sealed class CellPlanNewerFormatTests
{
    [Test]
    public void AFormatAboveTheCurrentIsRefusedNamingTheFormatsRead()
    {
        using var temp = new TempDirectory();
        string json = CellPlan.Create("smoke", null, new { }, new[] { ("a", new { Name = "a" }) }).ToJson();
        string newer = $"\"format\": {CellPlan.CurrentFormat + 1},";
        File.WriteAllText(CellPlan.PathIn(temp.Path), json.Replace($"\"format\": {CellPlan.CurrentFormat},", newer));
        var ex = Assert.Throws<ConfigurationException>(() => CellPlan.Read(temp.Path));
        Assert.That(ex!.Message, Does.Contain($"has format {CellPlan.CurrentFormat + 1}; this version reads formats 1 to {CellPlan.CurrentFormat}"));
        Assert.That(ex.Message, Does.Not.Contain("digest"));
    }
}
