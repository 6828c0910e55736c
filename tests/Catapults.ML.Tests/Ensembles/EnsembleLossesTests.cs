using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// The members' squared losses: over a whole dataset they are means over every row, also when the rows are evaluated in
/// pieces (4096 at a time) and the last piece is short (expectations from each member's own single network); on a
/// batch they take float32 targets shaped like the outputs only. Found by mutation testing (round 13A).
/// </summary>
public sealed class EnsembleLossesTests
{
    [Test]
    public void ADatasetLongerThanOnePieceIsAveragedOverEveryRow()
    {
        using var scope = torch.NewDisposeScope();
        const int rows = 5000, d = 4, outputs = 2;
        var generator = new torch.Generator(11);
        using var data = new TensorDataset(torch.randn(new long[] { rows, d }, generator: generator), torch.randn(new long[] { rows, outputs }, generator: generator), "long");
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 5, MaxSteps = 1 };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, training, 1), new EnsembleMember(net, training, 2) }, new long[] { d }, outputs);

        var losses = ensemble.EvaluateLosses(data);

        Assert.That(losses, Has.Length.EqualTo(2));
        for (int m = 0; m < 2; m++)
        {
            using var single = ensemble.ExtractMember(m);
            Tensor f;
            using (torch.no_grad()) f = single.forward(data.Features);
            var r = (f - data.Targets).to_type(ScalarType.Float64);
            double expected = (r * r).sum().ToDouble() / rows;
            Assert.That(losses[m], Is.EqualTo(expected).Within(1e-5 * expected), $"member {m}: 1/n Σᵢ ‖f(xᵢ) − yᵢ‖² over all {rows} rows");
        }
    }

    [Test]
    public void TargetsOfAnotherDtypeAreRefused()
    {
        using var scope = torch.NewDisposeScope();
        var output = torch.ones(2, 3, 1);
        var ex = Assert.Throws<ArgumentException>(() => FullyConnectedEnsemble.MeanSquaredErrors(output, torch.zeros(2, 3, 1, dtype: ScalarType.Float64)));
        Assert.That(ex!.ParamName, Is.EqualTo("targets"));
        Assert.That(ex.Message, Does.StartWith("The targets must be float32 shaped like the outputs [2, 3, 1], got [2, 3, 1] Float64."));
        // L = 1/b Σᵢ ‖f − y‖² per member: 1 for a residual of ones.
        Assert.That(Values(FullyConnectedEnsemble.MeanSquaredErrors(output, torch.zeros(2, 3, 1))), Is.EqualTo(new[] { 1.0, 1.0 }));
    }

    private static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();
}
