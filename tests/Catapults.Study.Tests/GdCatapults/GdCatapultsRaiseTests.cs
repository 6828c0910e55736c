using System.Text.Json.Nodes;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests.GdCatapults;

/// <summary>
/// The rate raiser on a tiny run: one raise, at the end of the first phase, to the raise factor × η_crit there. Two runs
/// that differ only in the factor share the weights up to the raise, so their raised rates stand in the factors' ratio.
/// Found by mutation testing (round 35B): the raise could ignore its factor and set η = η_crit.
/// </summary>
public sealed class GdCatapultsRaiseTests
{
    private static JsonArray Raises(TempDirectory temp, string factor)
    {
        string output = temp.Combine("f" + factor);
        var (code, stdout, error) = StudyCli.Run("gd-catapults", "--n-train", "16", "--n-test", "8", "--width", "8", "--phase-steps", "10", "--raises", "1",
            "--raise-factor", factor, "--seeds", "1", "--threads", "1", "--out", output);
        Assert.That(code, Is.EqualTo(0), stdout + error);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "runs", "gd-seed0", "summary.json")))!;
        return summary["realisedSchedule"]!["milestones"]!.AsArray();
    }

    [Test]
    public void ARaiseSetsTheRateToTheFactorTimesTheCriticalRateAtTheEndOfAPhase()
    {
        using var temp = new TempDirectory();
        var low = Raises(temp, "1.2");
        var high = Raises(temp, "1.5");
        Assert.That(low.Select(m => (int)m!["step"]!), Is.EqualTo(new[] { 10 }), "one raise, at step 10");
        Assert.That(high.Select(m => (int)m!["step"]!), Is.EqualTo(new[] { 10 }));
        Assert.That((double)high[0]!["rate"]! / (double)low[0]!["rate"]!, Is.EqualTo(1.5 / 1.2).Within(1e-9), "the same η_crit at step 10, times each factor");
    }
}
