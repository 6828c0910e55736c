using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// A member that stops part-way through an epoch reports the epochs it began, ⌈steps / steps per epoch⌉, as a single
/// Trainer run does, not only the epochs it completed.
/// </summary>
public class EnsembleEpochCountTests
{
    [Test]
    public void EpochsCountTheEpochsBegun()
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(6);
        // 40 rows in batches of 5: 8 steps per epoch.
        using var data = new TensorDataset(torch.randn(new long[] { 40, 4 }, generator: generator), torch.randn(new long[] { 40, 1 }, generator: generator), "epochs");
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        int[] budgets = { 3, 8, 10, 16, 17 };
        var members = budgets.Select((s, i) => new EnsembleMember(net, new TrainingOptions { LearningRate = 0.05, BatchSize = 5, MaxSteps = s }, i)).ToArray();
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 4 }, 1);

        var results = new EnsembleTrainer(ensemble).Run(data);

        for (int i = 0; i < budgets.Length; i++)
        {
            Assert.That(results[i].Result.Steps, Is.EqualTo(budgets[i]));
            Assert.That(results[i].Result.Epochs, Is.EqualTo((budgets[i] + 7) / 8), $"{budgets[i]} steps of 8 per epoch");
        }
        // The single trainer's convention, for one of them.
        using var single = members[2].BuildSingle(new long[] { 4 }, 1);
        using var trainer = new Trainer(single, members[2].Training);
        Assert.That(trainer.Run(data).Epochs, Is.EqualTo(2));
    }
}
