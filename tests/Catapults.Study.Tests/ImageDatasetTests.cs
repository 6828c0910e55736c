using System.Text.Json;
using TorchSharp;
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

    [Test]
    public void CelebAJpegsDecodeInTheStudyProcessWhoseFiguresLoadSkiaSharp3()
    {
        // The engine is built against SkiaSharp 2.88 (what Microsoft.ML.ImageAnalytics needs); ScottPlot lifts this
        // process to 3.x, and the engine's JPEG decoder must run on it too.
        Assert.That(typeof(SkiaSharp.SKCodec).Assembly.GetName().Version!.Major, Is.GreaterThanOrEqualTo(3), "the study runs on SkiaSharp 3");
        using var root = new TempDirectory();
        DatasetFixtures.WriteCelebA(root.Path, count: 10);
        using var data = Infrastructure.StudyData.Load(new Infrastructure.DataSettings { Dataset = "celeba", DataRoot = root.Path, TrainCount = 6, TestCount = 2 });
        Assert.That(data.InputShape, Has.Length.EqualTo(3), "images [C, H, W]");
        Assert.That(data.Train.Count, Is.GreaterThan(0));
        using var scope = TorchSharp.torch.NewDisposeScope();
        Assert.That(TorchSharp.torch.isfinite(data.Train.Features).all().ToBoolean(), Is.True);
        Assert.That(data.Train.Features.std().ToDouble(), Is.GreaterThan(0), "the decoded pixels vary");
    }
}
