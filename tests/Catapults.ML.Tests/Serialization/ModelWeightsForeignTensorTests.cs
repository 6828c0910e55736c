using Catapults.ML.Models;
using Catapults.ML.Serialization;
using TorchSharp;

namespace Catapults.ML.Tests.Serialization;

/// <summary>
/// Found by mutation testing (5 Dec 2026): <see cref="ModelWeights.Load(NetworkModule, SafetensorsFile, Func{string, double}?)"/>
/// is documented to refuse a file holding tensors the model lacks, but no test gave it one: removing the check left
/// the suite green, and weights of a larger network then loaded silently into a smaller one.
/// </summary>
public sealed class ModelWeightsForeignTensorTests
{
    [Test]
    public void AFileWithATensorTheModelLacksIsRefusedAndTheModelKeepsItsWeights()
    {
        var description = new NetworkDescription { Architecture = "fcn-2", Width = 4 };
        using var source = description.Build(new long[] { 3 }, 1, seed: 1);
        using var target = description.Build(new long[] { 3 }, 1, seed: 2);
        using var stream = new MemoryStream();
        ModelWeights.Save(source, stream);
        stream.Position = 0;
        var saved = SafetensorsFile.Read(stream);
        var tensors = saved.Tensors.Append(SafetensorsTensor.FromSingles("extra.weight", new long[] { 2 }, new float[] { 1, 2 })).ToArray();
        var file = new SafetensorsFile(tensors, saved.Metadata);

        var before = target.parameters().Select(p => ModelWeights.ToSingles(p)).ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(target, file));
        Assert.That(ex!.Message, Does.Contain("'extra.weight'"));
        var after = target.parameters().Select(p => ModelWeights.ToSingles(p)).ToArray();
        Assert.That(after, Is.EqualTo(before), "a refused file leaves the model as it was");
    }
}
