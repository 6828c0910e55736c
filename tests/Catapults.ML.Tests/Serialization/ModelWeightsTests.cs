using Catapults.ML.Models;
using Catapults.ML.Serialization;
using TorchSharp;

namespace Catapults.ML.Tests.Serialization;

public class ModelWeightsTests
{
    [TestCase("fcn-3", 8)]
    [TestCase("cnn-2", 4)]
    [TestCase("wrn-10-1", null)]
    [TestCase("vit-1", 8)]
    public void EveryArchitectureRoundTripsAndAnotherOneIsRefused(string architecture, int? width)
    {
        var description = new NetworkDescription { Architecture = architecture, Width = width };
        var shape = new long[] { 3, 8, 8 };
        using var source = description.Build(shape, 3, seed: 1);
        using var target = description.Build(shape, 3, seed: 2);
        using var stream = new MemoryStream();
        ModelWeights.Save(source, stream, new Dictionary<string, string> { ["note"] = "test" });
        stream.Position = 0;
        var file = SafetensorsFile.Read(stream);
        Assert.That(file.Metadata["model"], Is.EqualTo(source.Describe()));
        Assert.That(file.Metadata["note"], Is.EqualTo("test"));
        ModelWeights.Load(target, file);

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        source.eval();
        target.eval();
        var x = torch.randn(2, 192);
        Assert.That(ModelWeights.ToSingles(target.forward(x)), Is.EqualTo(ModelWeights.ToSingles(source.forward(x))));

        using var other = new NetworkDescription { Architecture = architecture == "cnn-2" ? "fcn-2" : "cnn-2", Width = 4 }.Build(shape, 3, seed: 3);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(other, file));
        Assert.That(ex!.Message, Does.StartWith("safetensors stream: ").And.Contain("tensor '"));
    }

    [Test]
    public void AFileThatDoesNotFitIsNamedInTheMessage()
    {
        var shape = new long[] { 5 };
        using var saved = new NetworkDescription { Architecture = "fcn-2", Width = 4 }.Build(shape, 1, seed: 1);
        using var wider = new NetworkDescription { Architecture = "fcn-2", Width = 6 }.Build(shape, 1, seed: 1);
        string path = Path.Combine(Path.GetTempPath(), $"catapults-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModelWeights.Save(saved, path);
            var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(wider, path));
            Assert.That(ex!.Message, Does.StartWith($"{path}: tensor 'layers.0.weight' has shape [4, 5]"));
            Assert.That(SafetensorsFile.Read(path).Source, Is.EqualTo(path));
            Assert.That(ModelWeights.ToSafetensors(saved).Source, Is.Null, "a file built in memory has no source");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
