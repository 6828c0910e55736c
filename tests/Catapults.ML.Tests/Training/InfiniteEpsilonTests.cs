using Catapults.ML.Data;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// ε = +∞ passes a bare `ε > 0` check, but Adam's, RMSprop's and Adagrad's updates g/(√v + ε) are then exactly 0: the
/// run would train nothing and look merely slow. The documented range is finite and positive, so it is refused by name
/// before training, like NaN. Found by mutation testing (round 9B).
/// </summary>
public sealed class InfiniteEpsilonTests
{
    [TestCase(OptimizerKind.Adam)]
    [TestCase(OptimizerKind.Adagrad)]
    public void AnInfiniteEpsilonIsRefusedByNameBeforeTraining(OptimizerKind kind)
    {
        using var scope = torch.NewDisposeScope();
        using var data = new TensorDataset(torch.randn(8, 3), torch.randn(8, 1));
        using var net = Nets.Linear(3);
        var options = new TrainingOptions
        {
            Optimizer = kind, LearningRate = 0.01, MaxSteps = 2,
            OptimizerSettings = new OptimizerOptions { Epsilon = double.PositiveInfinity },
        };

        var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, options));

        Assert.That(ex!.ParamName, Is.EqualTo("OptimizerSettings.Epsilon"));
        Assert.That(ex.Message, Does.Contain("finite and positive"));
    }
}
