using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests.DominantSubspace;

/// <summary>
/// What a tiny dominant-subspace run writes besides its report: losses.csv with the warm-up before the arms, and
/// alignment.csv with one λ column per eigenvalue, numbered from 1; the line a diverged warm-up ends the command with,
/// naming the rate it diverged at; and an image plan under the --eos preset, which records no input offset (the images
/// are standardised). Found by mutation testing (round 27C).
/// </summary>
public sealed class DominantSubspaceCommandTests
{
    private static readonly string[] Tiny = { "dominant-subspace", "--quick", "--seeds", "1", "--samples", "32", "--warm-up-steps", "2", "--steps", "2", "--record-every", "1" };

    [Test]
    public void TheLossesGiveTheWarmUpThenEachArmFromTheSwitchAndTheAlignmentNamesTheKEigenvalues()
    {
        using var temp = new TempDirectory();
        string output = temp.Combine("dominant-tiny");
        var (code, stdout, error) = StudyCli.Run(Tiny.Concat(new[] { "--out", output }).ToArray());
        Assert.That(code, Is.EqualTo(0), stdout + error);

        var losses = File.ReadAllLines(Path.Combine(output, "losses.csv"));
        Assert.That(losses[0], Is.EqualTo("seed,arm,step,loss"));
        Assert.That(losses.Skip(1).Select(l => string.Join(",", l.Split(',').Take(3))), Is.EqualTo(new[]
        {
            "0,warm-up,0", "0,warm-up,1", "0,SGD,2", "0,SGD,3", "0,Dom-SGD,2", "0,Dom-SGD,3", "0,Bulk-SGD,2", "0,Bulk-SGD,3",
        }));

        var alignment = File.ReadAllLines(Path.Combine(output, "alignment.csv"));
        Assert.That(alignment[0], Is.EqualTo("seed,arm,step,loss,chi,lambda1,lambda2,lambda3,lambda4,hvps"), "k = 4, the quick preset's classes");
        Assert.That(alignment.Skip(1).Select(l => l.Split(',')[1]).Distinct(), Is.EqualTo(new[] { "warm-up", "SGD", "Dom-SGD", "Bulk-SGD" }));
        Assert.That(alignment.Skip(1).Select(l => l.Split(',').Length), Is.All.EqualTo(10));
    }

    [TestCase(new string[0], "the SGD warm-up diverged at η = 100 (seed 0); lower --learning-rate.", TestName = "A diverged SGD warm-up names its rate")]
    [TestCase(new[] { "--sam-radius", "0.05" }, "the SAM warm-up diverged at η = 100 (seed 0); lower --learning-rate.", TestName = "A diverged SAM warm-up names SAM")]
    public void ADivergedWarmUpEndsTheCommandWithItsRate(string[] options, string message)
    {
        using var temp = new TempDirectory();
        string line = CliAssert.OneLineError(StudyCli.Run(new[] { "dominant-subspace", "--quick", "--seeds", "1" }.Concat(options).Concat(new[] { "--learning-rate", "100", "--out", temp.Combine("dominant-diverged") }).ToArray()));
        Assert.That(line, Does.EndWith(message));
    }

    [Test]
    public void AnImagePlanRecordsNoInputOffsetEvenUnderTheEdgeOfStabilityPreset()
    {
        using var temp = new TempDirectory();
        string root = temp.Combine("data");
        DatasetFixtures.WriteSvhn(Path.Combine(root, Catapults.ML.Data.Images.SvhnReader.FolderName, "train_32x32.mat"), 40, compressed: false);
        string folder = temp.Combine("dominant-svhn");
        var (code, stdout, error) = StudyCli.Run("plan", "dominant-subspace", "--quick", "--eos", "--dataset", "svhn", "--samples", "4", "--data-root", root, "--out", folder);
        Assert.That(code, Is.EqualTo(0), stdout + error);
        Assert.That(File.ReadAllText(Path.Combine(folder, "plan.json")), Does.Not.Contain("inputOffset"), "the images are standardised, never shifted");
    }
}
