using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// GammaScan.Run on a tiny two-seed γ cell (width 8, a few steps): its scans take their place in the full grid (γ number
/// and γ of the cell, so its own Verify passes), each seed trains at its own seed, and a seed store whose manifest is
/// torn starts over instead of failing the cell for good. Found by mutation testing (round 16A, 6 Dec 2026).
/// </summary>
public sealed class GammaScanRunTests
{
    private const int GammaIndex = 3;

    private static readonly FeatureStrengthSettings Tiny = (FeatureStrengthSettings.Quick with
    {
        Width = 8, Steps = 4, EvaluateEvery = 2, HeldOutCount = 16, BatchSize = 8, Seeds = 2, Seed = 5,
    }).ForDepth(2);

    private static IReadOnlyList<SeedScan> Run(string folder)
    {
        var console = Console.Out;
        Console.SetOut(new StringWriter());
        try
        {
            return GammaScan.Run(Tiny, GammaIndex, folder, null, CancellationToken.None);
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    [Test]
    public void TheScansOfEachSeedStandAtTheirGammaInTheGridAndPassTheirOwnCheck()
    {
        using var temp = new TempDirectory();
        var scans = Run(temp.Path);
        Assert.Multiple(() =>
        {
            Assert.That(scans.Select(s => s.Seed), Is.EqualTo(new long[] { 5, 6 }));
            Assert.That(scans.All(s => s.Cells.Count > 0), Is.True);
            Assert.That(scans.SelectMany(s => s.Cells).Select(c => (c.Cell.GammaIndex, c.Cell.Gamma)).Distinct(), Is.EqualTo(new[] { (GammaIndex, 10.0) }));
            Assert.That(GammaScan.Verify(temp.Path, Tiny, GammaIndex), Is.Null);
        });
    }

    [Test]
    public void EachSeedTrainsAtItsOwnSeed()
    {
        // The same rate at two seeds: another initialisation and held-out set, so another first held-out loss.
        using var temp = new TempDirectory();
        var scans = Run(temp.Path);
        var first = scans[0].Cells[0];
        var other = scans[1].Cells.Single(c => c.Cell == first.Cell);
        Assert.That(other.TestLosses[0], Is.Not.EqualTo(first.TestLosses[0]));
    }

    [Test]
    public void ASeedStoreWithATornManifestStartsOver()
    {
        using var temp = new TempDirectory();
        string manifest = Path.Combine(GammaScan.SeedFolder(temp.Path, 6), SweepStore.ManifestFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        File.WriteAllText(manifest, Tiny.ForSeed(6).Manifest()[..20]);
        Run(temp.Path);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(manifest), Is.EqualTo(Tiny.ForSeed(6).Manifest()));
            Assert.That(GammaScan.Verify(temp.Path, Tiny, GammaIndex), Is.Null);
        });
    }
}
