using Catapults.ML.Models;
using Catapults.ML.Serialization;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Serialization;

public class AtomicFileWriterTests
{
    [Test]
    public void AWriterThatFailsHalfWayLeavesTheOldFileAndNoTemporary()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("weights.safetensors");
        File.WriteAllText(path, "old");
        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFileWriter.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new InvalidOperationException("the writer failed");
        }));
        Assert.That(ex!.Message, Is.EqualTo("the writer failed"), "the writer's own exception, unchanged");
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(temp.Path), Is.EqualTo(new[] { path }));

        AtomicFileWriter.Write(path, stream => stream.Write("new"u8));
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        Assert.That(Directory.GetFiles(temp.Path), Is.EqualTo(new[] { path }));
    }

    // Two processes creating one file: the second finds the first's and leaves it, never overwrites it.
    [Test]
    public void TryCreateNeverReplacesAFileAndLeavesNoTemporary()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("plan.json");
        Assert.That(AtomicFileWriter.TryCreate(path, s => s.Write("first"u8)), Is.True);
        Assert.That(AtomicFileWriter.TryCreate(path, s => s.Write("second"u8)), Is.False);
        Assert.That(File.ReadAllText(path), Is.EqualTo("first"));
        Assert.That(Directory.GetFiles(temp.Path), Is.EqualTo(new[] { path }), "no temporary file is left");
    }

    // Writers racing to create one file: exactly one wins and the file is the winner's. File.Move without overwrite
    // checks for the target and then renames, so two writers could both "win", the later replacing the earlier's file
    // (two plan commands on one new folder both succeeded, one plan beside the other's scripts).
    [Test]
    public void WritersRacingToCreateAFileHaveExactlyOneWinner()
    {
        using var temp = new TempDirectory();
        for (int round = 0; round < 200; round++)
        {
            string path = temp.Combine($"race{round}.json");
            using var start = new Barrier(4);
            var won = new bool[4];
            var threads = Enumerable.Range(0, 4).Select(i => new Thread(() =>
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes($"writer {i}");
                start.SignalAndWait();
                won[i] = AtomicFileWriter.TryCreate(path, s => s.Write(bytes));
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.That(won.Count(w => w), Is.EqualTo(1), $"round {round}");
            Assert.That(File.ReadAllText(path), Is.EqualTo($"writer {Array.IndexOf(won, true)}"), $"round {round}");
        }
        Assert.That(Directory.GetFiles(temp.Path).Where(f => f.EndsWith(AtomicFileWriter.TemporaryEnding, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void AFolderThatCannotHoldTheFileIsNamed()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("missing", "x.safetensors");
        var ex = Assert.Throws<IOException>(() => AtomicFileWriter.Write(path, stream => stream.Write("x"u8)));
        Assert.That(ex!.Message, Is.EqualTo($"cannot write {path}: the folder {temp.Combine("missing")} does not exist"),
            "the folder the caller named, not the temporary file the system tried to create");
    }

    [Test]
    public void ModelWeightsAreSavedThroughIt()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("model.safetensors");
        using var network = new NetworkDescription { Architecture = "fcn-2", Width = 4 }.Build(new long[] { 3 }, 1, seed: 1);
        File.WriteAllText(path, "a previous file");
        ModelWeights.Save(network, path);
        Assert.That(SafetensorsFile.Read(path).Tensors, Has.Count.EqualTo(network.TrainableParameters().Count));
        Assert.That(Directory.GetFiles(temp.Path), Is.EqualTo(new[] { path }), "no temporary file is left");
    }

    // A missing folder is no file another process created: TryCreate reports it as the failure it is, not as "exists".
    [Test]
    public void TryCreateInAMissingFolderIsAnErrorNotALostRace()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("missing", "plan.json");
        var ex = Assert.Throws<IOException>(() => AtomicFileWriter.TryCreate(path, s => s.Write("x"u8)));
        Assert.That(ex!.Message, Is.EqualTo($"cannot write {path}: the folder {temp.Combine("missing")} does not exist"));
    }

    // Leftovers are the writer's hidden temporary files, in the folder and every folder below it; nothing else goes.
    [Test]
    public void RemoveLeftoversTakesOnlyHiddenTemporaryFilesAtAnyDepth()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("cells", "a"));
        string[] leftovers =
        {
            temp.Combine(".plan.json.123-0a1b.tmp"),
            temp.Combine("cells", "a", ".weights.safetensors.456-2c3d.tmp"),
        };
        string[] kept =
        {
            temp.Combine("plan.json"),
            temp.Combine("notes.tmp"),
            temp.Combine("cells", "a", "weights.safetensors"),
            temp.Combine("cells", ".hidden"),
        };
        foreach (var file in leftovers.Concat(kept)) File.WriteAllText(file, "x");
        AtomicFileWriter.RemoveLeftovers(temp.Path);
        Assert.That(leftovers.Where(File.Exists), Is.Empty);
        Assert.That(kept.Where(File.Exists), Is.EqualTo(kept));
        Assert.DoesNotThrow(() => AtomicFileWriter.RemoveLeftovers(temp.Combine("no such folder")));
    }

    // What a killed writer leaves behind is its temporary file under the name it writes: that name is one
    // RemoveLeftovers takes, here given to a file aside as the kill would have left it.
    [Test]
    public void TheTemporaryFileAKilledWriterLeavesIsOneRemoveLeftoversTakes()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("weights.safetensors");
        string aside = Directory.CreateDirectory(temp.Combine("aside")).FullName;
        string? leftover = null;
        AtomicFileWriter.Write(path, stream =>
        {
            stream.Write("x"u8);
            leftover = Path.Combine(aside, Path.GetFileName(((FileStream)stream).Name));
            File.WriteAllText(leftover, "torn");
        });
        Assert.That(File.Exists(leftover), Is.True);
        AtomicFileWriter.RemoveLeftovers(aside);
        Assert.That(File.Exists(leftover), Is.False);
        Assert.That(File.ReadAllText(path), Is.EqualTo("x"));
    }
}
