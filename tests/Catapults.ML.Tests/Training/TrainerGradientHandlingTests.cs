using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// The trainer drops gradients between steps instead of zeroing them; the runs must stay bit for bit those of the
/// textbook loop (optimizer.zero_grad, forward, loss, backward, optimizer.step) that earlier versions ran.
/// </summary>
public class TrainerGradientHandlingTests
{
    [TestCase(OptimizerKind.Sgd, 0.0)]
    [TestCase(OptimizerKind.Momentum, 1e-3)]
    public void WeightsAreBitIdenticalToTheZeroGradLoop(OptimizerKind optimizer, double weightDecay)
    {
        var (train, test) = SyntheticTask.Rank2(6).CreateSplits(40, 1, seed: 2);
        using (train)
        using (test)
        {
            var network = new NetworkDescription { Architecture = "fcn-3", Width = 16, UseBias = true };
            var options = new TrainingOptions
            {
                LearningRate = 0.2, BatchSize = 5, ShuffleSeed = 4, MaxSteps = 25, Optimizer = optimizer,
                OptimizerSettings = new OptimizerOptions { WeightDecay = weightDecay },
            };
            using var trained = network.Build(new long[] { 6 }, 1, 3);
            using (var trainer = new Trainer(trained, options)) trainer.Run(train);

            using var reference = network.Build(new long[] { 6 }, 1, 3);
            var parameters = reference.TrainableParameters().Select(p => p.Parameter).ToList();
            using var optim = Optimizers.Create(optimizer, parameters, options.LearningRate, options.OptimizerSettings);
            var source = new EpochBatchSource(train, options.BatchSize, options.ShuffleSeed);
            for (int step = 0; step < options.MaxSteps; step++)
            {
                using var scope = torch.NewDisposeScope();
                var batch = source.BatchAt(step);
                optim.zero_grad();
                Losses.Compute(LossKind.MeanSquaredError, reference.forward(batch.Features), batch.Targets).backward();
                optim.step();
            }

            var a = trained.TrainableParameters();
            var b = reference.TrainableParameters();
            for (int k = 0; k < a.Count; k++)
            {
                var x = a[k].Parameter.detach().data<float>().ToArray();
                var y = b[k].Parameter.detach().data<float>().ToArray();
                Assert.That(x.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(y.Select(BitConverter.SingleToInt32Bits)), $"{a[k].Name}: bits");
                Assert.That(x.Zip(y).Any(p => p.First != 0), Is.True, $"{a[k].Name}: the comparison needs weights that are not all zero");
            }
            using var initial = network.Build(new long[] { 6 }, 1, 3);
            Assert.That(initial.TrainableParameters()[0].Parameter.equal(a[0].Parameter).all().item<bool>(), Is.False, "training must have moved the weights");
        }
    }
}
