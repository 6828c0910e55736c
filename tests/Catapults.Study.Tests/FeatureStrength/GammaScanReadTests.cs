using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// GammaScan.Read refuses a scan.json it cannot trust, naming it, rather than handing the merge something to crash on:
/// missing, torn, an empty list, a seed without its rates, a rate without its cell.
/// Found by mutation testing (round 16A, 6 Dec 2026).
/// </summary>
public sealed class GammaScanReadTests
{
    private static string Refused(TempDirectory temp, string? text)
    {
        if (text is not null) File.WriteAllText(Path.Combine(temp.Path, GammaScan.ResultFile), text);
        var ex = Assert.Throws<InvalidDataException>(() => GammaScan.Read(temp.Path));
        return ex!.Message;
    }

    [TestCase(null, "is missing", TestName = "A missing scan.json is refused")]
    [TestCase("[{\"seed\":0,\"cel", "is not a readable scan", TestName = "A torn scan.json is refused")]
    [TestCase("[]", "holds no seed's scan", TestName = "A scan.json of no seed is refused")]
    [TestCase("[{\"seed\":0}]", "holds no seed's scan", TestName = "A seed without its rates is refused")]
    [TestCase("[{\"seed\":0,\"cells\":[{\"cell\":null,\"outcome\":\"BudgetReached\"}]}]", "holds a rate without its cell", TestName = "A rate without its cell is refused")]
    public void AnUntrustworthyScanIsRefusedByName(string? text, string problem)
    {
        using var temp = new TempDirectory();
        Assert.That(Refused(temp, text), Does.StartWith(Path.Combine(temp.Path, GammaScan.ResultFile) + " " + problem));
    }

    [Test]
    public void ACellFolderThatIsNotThereIsAMissingScan()
    {
        using var temp = new TempDirectory();
        string folder = Path.Combine(temp.Path, "depth-2-g00");
        var ex = Assert.Throws<InvalidDataException>(() => GammaScan.Read(folder));
        Assert.That(ex!.Message, Is.EqualTo(Path.Combine(folder, GammaScan.ResultFile) + " is missing."));
    }
}
