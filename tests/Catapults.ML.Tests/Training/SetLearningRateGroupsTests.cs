using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using TorchSharp.Modules;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// <see cref="Optimizers.SetLearningRate"/> is public and documented to set every parameter group's rate; the engine's
/// own optimisers have one group, so a rate set on the first group only passed every test. Found by mutation testing
/// (round 9B).
/// </summary>
public sealed class SetLearningRateGroupsTests
{
    [Test]
    public void EveryParameterGroupGetsTheRate()
    {
        using var net = Nets.TwoLayer(3, 4, bias: true);
        var layers = net.Layers;
        using var optimizer = torch.optim.SGD(new[]
        {
            new SGD.ParamGroup(new[] { layers[0].Weight, layers[0].Bias! }, lr: 0.1),
            new SGD.ParamGroup(new[] { layers[1].Weight, layers[1].Bias! }, lr: 0.2),
        }, 0.1);

        Optimizers.SetLearningRate(optimizer, 0.05);

        Assert.That(optimizer.ParamGroups.Select(g => g.LearningRate), Is.EqualTo(new[] { 0.05, 0.05 }));
    }
}
