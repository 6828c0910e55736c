using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// An ensemble refuses a γ its single run would refuse (CenteredNetwork: finite and positive) when it is built, not
/// later as outputs scaled by 1/γ = ∞ or a negative multiplier.
/// </summary>
public class EnsembleGammaValidationTests
{
    private static readonly long[] Shape = { 4 };

    [TestCase(0.0)]
    [TestCase(-2.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void AMemberWithAGammaThatIsNotFiniteAndPositiveIsRefused(double gamma)
    {
        var network = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 2 };
        var members = new[]
        {
            new EnsembleMember(network, training, Seed: 1, Gamma: 1.0),
            new EnsembleMember(network, training, Seed: 2, Gamma: gamma),
        };
        // The single run refuses this γ, so the ensemble must too.
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnsembleMember(network, training, 2, gamma).BuildSingle(Shape, 1).Dispose());
        Assert.That(() => new FullyConnectedEnsemble(members, Shape, 1).Dispose(), Throws.InstanceOf<ArgumentException>());
    }
}
