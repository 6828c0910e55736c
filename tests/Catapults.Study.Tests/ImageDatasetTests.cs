using System.Text.Json;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests;

/// <summary>The experiments run on image data through the engine's loaders (a tiny CIFAR-10 folder written by the fixture).</summary>
public sealed class ImageDatasetTests
{
    [TestCase("fcn-2")]
    [TestCase("cnn-5")]
    public void BatchSweepRunsOnCifar10(string architecture)
    {
        using var root = new TempDirectory();
        DatasetFixtures.WriteCifar(root.Path, perBatch: 10, testCount: 10);
        string output = Path.Combine(root.Path, "out");
        var (code, stdout, error) = StudyCli.Run("batch-sweep", "--dataset", "cifar10", "--data-root", root.Path, "--arch", architecture, "--width", "8",
            "--n-train", "20", "--n-test", "10", "--seeds", "1", "--batch-sizes", "gd,5", "--max-steps", "20", "--record-every", "5", "--checkpoint-every", "10",
            "--out", output);
        Assert.That(code, Is.EqualTo(0), stdout + error);
        int finished = 0;
        foreach (var run in new[] { "gd-seed0", "b5-seed0" })
        {
            string dir = Path.Combine(output, "runs", run);
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            var s = summary.RootElement;
            if (s.GetProperty("outcome").GetString() == "Diverged") continue;
            finished++;
            Assert.That(s.GetProperty("testError").GetDouble(), Is.InRange(0.0, 1.0), run);
            Assert.That(s.GetProperty("agopAlignment").ValueKind, Is.EqualTo(JsonValueKind.Null), "no true AGOP for images");
            Assert.That(File.Exists(Path.Combine(dir, "data.safetensors")), Is.False, "image data is not copied");
            using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json")));
            Assert.That(config.RootElement.GetProperty("network").GetProperty("architecture").GetString(), Is.EqualTo(architecture));
        }
        Assert.That(finished, Is.GreaterThan(0), "at least one run trained to the end");
    }
}
