using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Subspaces;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;
using TensorDataset = Catapults.ML.Data.TensorDataset;

namespace Catapults.ML.Tests.Subspaces;

/// <summary>
/// Found by mutation testing (5 Dec 2026), a fault no test saw: the alignment switch needs <see cref="DominantSubspaceOptions.AlignmentPatience"/>
/// consecutive checks at or above the threshold; a check below it starts the count again.
/// </summary>
public sealed class AlignmentSwitchTests
{
    // Sets the gradient the alignment check reads to the Hessian's top eigenvector at even steps and to its bottom one
    // at odd steps, then hands over to the transform under test.
    private sealed class Steer(DominantSubspaceTransform inner, Tensor top, Tensor bottom) : IUpdateTransform
    {
        public void Transform(StepContext step, IReadOnlyList<Parameter> parameters, IReadOnlyList<Tensor> updates)
        {
            using (torch.no_grad())
                parameters[0].grad!.copy_((step.Step % 2 == 0 ? top : bottom).reshape(parameters[0].shape).to(parameters[0].dtype));
            inner.Transform(step, parameters, updates);
        }
    }

    [Test]
    public void AlternatingAlignmentNeverSwitches()
    {
        using var scope = torch.NewDisposeScope();
        using var g = Seeding.TorchGenerator(11, Seeding.Stream.Data);
        // Columns of very different scales: XᵀX, and with it the Hessian of the linear model's MSE, has distinct eigenvalues.
        var x = torch.randn(new long[] { 40, 4 }, generator: g) * torch.tensor(new float[] { 4, 2, 1, 0.5f });
        var y = torch.randn(new long[] { 40, 1 }, generator: g);
        using var data = new TensorDataset(x, y, "probe");
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 4, HiddenWidths = Array.Empty<int>(), OutputCount = 1, UseBias = false, Seed = 1,
        });
        var (_, vectors) = torch.linalg.eigh(torch.mm(x.t(), x).to(ScalarType.Float64));
        var top = vectors[.., 3].contiguous();
        var bottom = vectors[.., 0].contiguous();

        using var rule = new DominantSubspaceTransform(new DominantSubspaceOptions
        {
            Mode = ProjectedUpdateMode.Full, Rank = 1, AlignmentThreshold = 0.5, AlignmentPatience = 2, AlignmentCheckEvery = 1,
        });
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 1e-4, MaxSteps = 6, UpdateTransform = new Steer(rule, top, bottom) });
        trainer.Run(data);

        Assert.That(rule.Checks.Select(c => c.Alignment > 0.5), Is.EqualTo(new[] { true, false, true, false, true, false }),
            string.Join(", ", rule.Checks.Select(c => c.Alignment)));
        Assert.That(rule.Switched, Is.False, "no two consecutive checks were at or above the threshold");
    }
}
