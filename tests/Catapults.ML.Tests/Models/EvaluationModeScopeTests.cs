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

    [Test]
    public void WithoutRecordGradientsTheScopeLeavesTheGradientModeAsItFoundIt([Values(true, false)] bool gradients)
    {
        // A measurement that asks for no gradients under no_grad must not start recording a graph it never uses, and one
        // taken with gradients on must not turn them off. Found by mutation testing (round 19A): only
        // recordGradients: true was tried, so a scope that always enabled gradients passed.
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = new[] { 4 } });
        using (gradients ? torch.enable_grad() : torch.no_grad())
        {
            using (new EvaluationModeScope(net))
                Assert.That(torch.is_grad_enabled(), Is.EqualTo(gradients));
            Assert.That(torch.is_grad_enabled(), Is.EqualTo(gradients));
        }
    }
}
