using Catapults.ML.Models;
using TorchSharp;

namespace Catapults.ML.Tests.Models;

public sealed class EvaluationModeScopeTests
{
    [Test]
    public void TheScopeSwitchesToEvaluationAndRestoresTheModeItFound([Values(true, false)] bool training)
    {
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = new[] { 4 } });
        net.train(training);
        using (new EvaluationModeScope(net))
            Assert.That(net.training, Is.False);
        Assert.That(net.training, Is.EqualTo(training));
        using (torch.no_grad())
        {
            using (new EvaluationModeScope(net, recordGradients: true))
                Assert.That(torch.is_grad_enabled(), Is.True);
            Assert.That(torch.is_grad_enabled(), Is.False);
        }
    }
}
