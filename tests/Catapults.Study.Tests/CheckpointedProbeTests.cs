using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;
using static TorchSharp.torch;

namespace Catapults.Study.Tests;

/// <summary>
/// CheckpointedProbe against ICheckpointedObserver's contract: a state folder without one of the probe's two files, or
/// with records that are not a JSON object, is an InvalidDataException that names the file, not whatever the reader
/// happened to throw. Found by mutation testing (7 Dec 2026, round 20B): only whole-experiment resumes reached it.
/// </summary>
public sealed class CheckpointedProbeTests
{
    private static HeldOutLossProbe Probe() => new(new TensorDataset(zeros(4, 3), zeros(4, 1), "held-out"), every: 1);

    [TestCase("held-out-loss.json")]
    [TestCase("held-out-loss-warm-starts.safetensors")]
    public void AStateWithoutOneOfItsFilesIsInvalidDataNamingIt(string removed)
    {
        using var temp = new TempDirectory();
        using (var saved = Probe()) new CheckpointedProbe(saved).SaveState(temp.Path);
        Assert.That(File.Exists(Path.Combine(temp.Path, removed)), removed + " is one of the files SaveState writes");
        File.Delete(Path.Combine(temp.Path, removed));

        using var probe = Probe();
        var ex = Assert.Throws<InvalidDataException>(() => new CheckpointedProbe(probe).RestoreState(temp.Path));
        Assert.That(ex!.Message, Is.EqualTo($"{Path.Combine(temp.Path, removed)} is missing: the held-out-loss probe cannot resume without it."));
    }

    [Test]
    public void RecordsThatAreNotAJsonObjectAreInvalidDataNamingTheFile()
    {
        using var temp = new TempDirectory();
        using (var saved = Probe()) new CheckpointedProbe(saved).SaveState(temp.Path);
        string records = Path.Combine(temp.Path, "held-out-loss.json");
        File.WriteAllText(records, "[1, 2]");

        using var probe = Probe();
        var ex = Assert.Throws<InvalidDataException>(() => new CheckpointedProbe(probe).RestoreState(temp.Path));
        Assert.That(ex!.Message, Is.EqualTo($"{records} does not hold a JSON object."));
    }
}
