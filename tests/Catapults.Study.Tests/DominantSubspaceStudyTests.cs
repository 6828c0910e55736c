namespace Catapults.Study.Tests;

/// <summary>The dominant-subspace study end to end through the CLI: per-seed rows, the outlier gap and one verdict per claim.</summary>
public sealed class DominantSubspaceStudyTests
{
    [TestCase("SGD")]
    [TestCase("SAM", "--sam-radius", "0.05")]
    [TestCase("GD", "--eos")]
    public void QuickRunReportsEverySeedAndAVerdictPerClaim(string name, params string[] regime)
    {
        string output = Path.Combine(Path.GetTempPath(), "dominant-" + Guid.NewGuid().ToString("N"));
        try
        {
            var args = new List<string> { "dominant-subspace", "--quick", "--seeds", "2", "--out", output };
            args.AddRange(regime);
            var (code, stdout, error) = StudyCli.Run(args.ToArray());
            Assert.That(code, Is.EqualTo(0), stdout + error);
            string report = File.ReadAllText(Path.Combine(output, "report.md"));
            Assert.That(report, Does.Match(@"\n\| 0 \| [^\n]*\n\| 1 \| [^\n]*\n\| mean ± sd \|"), "one row per seed and the mean ± sd");
            Assert.That(report, Does.Contain("λ_k / λ_k+1 at switch").And.Contain("λ_max / (2/η) at switch"));
            if (name == "GD") Assert.That(report, Does.Contain("standard parameterisation").And.Contain("Edge of stability"));
            Assert.That(report, Does.Match($@"Dom-{name} stalls [^\n]*\*\*(holds|fails)\*\*"));
            Assert.That(report, Does.Match($@"Bulk-{name} keeps pace with {name} [^\n]*\*\*(holds|fails)\*\*"));
            var seeds = File.ReadAllLines(Path.Combine(output, "losses.csv")).Skip(1).Select(l => l.Split(',')[0]).Distinct().ToList();
            Assert.That(seeds, Is.EqualTo(new[] { "0", "1" }));
            foreach (var png in new[] { "loss.png", "alignment.png", "sharpness.png" })
                Assert.That(File.ReadAllBytes(Path.Combine(output, png)).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }), png);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, true);
        }
    }
}
