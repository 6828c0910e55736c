using Catapults.ML.Models;
using Catapults.ML.Serialization;
using TorchSharp;

namespace Catapults.ML.Tests.Serialization;

/// <summary>
/// Loading with a scale reads another layout (scales folded in), whose caller checks what that layout needs: the
/// saved description is not compared, so folded weights load into a model described differently.
/// </summary>
public sealed class ModelWeightsScaledLayoutTests
{
    [Test]
    public void AScaledLoadDoesNotCompareDescriptions()
    {
        using var scope = torch.NewDisposeScope();
        var relu = new NetworkDescription { Architecture = "fcn-2", Width = 4 };
        using var saved = relu.Build(new long[] { 3 }, 1, seed: 1);
        using var tanh = (relu with { Activation = ActivationKind.Tanh }).Build(new long[] { 3 }, 1, seed: 2);
        Assert.That(tanh.Describe(), Is.Not.EqualTo(saved.Describe()));
        var file = ModelWeights.ToSafetensors(saved, null, _ => 2.0);
        ModelWeights.Load(tanh, file, _ => 2.0);
        var expected = ModelWeights.ToSingles(saved.TrainableParameters()[0].Parameter);
        Assert.That(ModelWeights.ToSingles(tanh.TrainableParameters()[0].Parameter), Is.EqualTo(expected).Within(1e-6f));
    }
}
