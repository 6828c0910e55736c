using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// η_crit = b / λ_max(K_b) with K_b = J Jᵀ over all b·O output rows. The other critical-rate tests have one output, where
/// b·O and b coincide. Found by mutation testing (round 28A).
/// </summary>
public sealed class EnsembleMeasurementsTests
{
    private static readonly TrainingOptions Training = new() { LearningRate = 0.1, BatchSize = 4, MaxSteps = 1 };

    [Test]
    public void ALinearMembersCriticalRateWithSeveralOutputsIsTheBatchSizeOverItsScaledGramsTopEigenvalue()
    {
        using var scope = torch.NewDisposeScope();
        const int d = 5, outputs = 3, b = 4;
        // f_c(x) = s·w_c·x: output c's Jacobian is s·x on row c only, so K_b = s²·XXᵀ once per output, whatever O is.
        var net = new NetworkDescription { Architecture = "fcn-1", UseBias = false };
        var members = new[] { new EnsembleMember(net, Training, 1), new EnsembleMember(net with { OutputMultiplier = 2.0 }, Training, 2) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { d }, outputs);
        var x = torch.randn(new long[] { b, d }, generator: new torch.Generator(4));

        var rates = EnsembleMeasurements.CriticalRates(ensemble, x);

        var x64 = x.to_type(ScalarType.Float64);
        double gramTop = torch.linalg.eigvalsh(x64.mm(x64.t())).max().ToDouble();
        for (int m = 0; m < members.Length; m++)
        {
            using var single = (FullyConnectedNetwork)ensemble.ExtractMember(m);
            double s = single.Layers.Single().WeightScale * members[m].Network.OutputMultiplier;
            double expected = b / (s * s * gramTop);
            Assert.That(rates[m], Is.EqualTo(expected).Within(1e-5 * expected), $"member {m}: b / (s²·λ_max(XXᵀ)) over {outputs} outputs");
        }
    }

    [Test]
    public void ANonlinearMembersCriticalRateWithSeveralOutputsIsItsSingleNetworks()
    {
        using var scope = torch.NewDisposeScope();
        const int d = 4, outputs = 2;
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 16, Activation = ActivationKind.Tanh };
        var members = new[] { new EnsembleMember(net, Training, 1), new EnsembleMember(net, Training, 2) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { d }, outputs);
        var x = torch.randn(new long[] { 6, d }, generator: new torch.Generator(5));

        var rates = EnsembleMeasurements.CriticalRates(ensemble, x);

        for (int m = 0; m < members.Length; m++)
        {
            using var single = members[m].BuildSingle(new long[] { d }, outputs);
            double expected = CriticalLearningRate.Compute(single, x).Value;
            Assert.That(rates[m], Is.EqualTo(expected).Within(1e-4 * expected), $"member {m}: η_crit of its own network over {outputs} outputs");
        }
    }

    [Test]
    public void WithEveryMemberStoppedTheMeasurementsAreEmpty()
    {
        using var scope = torch.NewDisposeScope();
        const int d = 4;
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, Training, 1), new EnsembleMember(net, Training, 2) }, new long[] { d }, 2);
        ensemble.Keep(Array.Empty<int>());
        var x = torch.randn(new long[] { 5, d }, generator: new torch.Generator(6));

        Assert.That(EnsembleMeasurements.Agops(ensemble, x).shape, Is.EqualTo(new long[] { 0, d, d }));
        Assert.That(EnsembleMeasurements.AgopAlignments(ensemble, x, torch.eye(d)), Is.Empty);
        Assert.That(EnsembleMeasurements.CriticalRates(ensemble, x), Is.Empty);
    }
}
