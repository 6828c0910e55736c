using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// The full training loss shared within a step is kept per mode: an observer that asks in evaluation mode, after the
/// loss was computed in training mode at the same step, gets the evaluation-mode loss, not the training-mode one.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class FullLossModeTests
{
    private const int N = 12;

    [Test]
    public void TheSharedFullLossIsKeptApartPerMode()
    {
        using var g = Seeding.TorchGenerator(5, Seeding.Stream.Data);
        using var data = new TensorDataset(torch.randn(new long[] { N, 3 }, generator: g), torch.randn(new long[] { N, 1 }, generator: g));
        using var net = new ModeDependentNetwork(Nets.Linear(3, seed: 1));
        var asker = new ModeAsker();
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 2 }, new ITrainingObserver[] { asker });

        Assert.That(asker.Asked, Has.Count.EqualTo(2));
        foreach (var (training, evaluation, freshEvaluation) in asker.Asked)
        {
            Assert.That(evaluation, Is.EqualTo(freshEvaluation).Within(1e-9), "evaluation-mode loss");
            Assert.That(evaluation, Is.Not.EqualTo(training).Within(1e-3), "the two modes differ for this network");
        }
    }

    private sealed class ModeAsker : ITrainingObserver
    {
        public List<(double Training, double Evaluation, double FreshEvaluation)> Asked { get; } = new();

        public void OnBeforeStep(StepContext step)
        {
            var context = step.Training;
            context.Model.train();
            double training = context.ComputeFullTrainingLoss()!.Value;
            double evaluation, fresh;
            using (new EvaluationModeScope(context.Model))
            {
                evaluation = context.ComputeFullTrainingLoss()!.Value;
                fresh = Losses.Evaluate(context.Model, context.TrainingData!, LossKind.MeanSquaredError);
            }
            Asked.Add((training, evaluation, fresh));
        }

        public void OnStepCompleted(StepRecord record, TrainingContext context) { }
    }

    // Adds 1 to every output in evaluation mode, as a dropout or batch-norm network differs between the modes.
    private sealed class ModeDependentNetwork : NetworkModule
    {
        private readonly FullyConnectedNetwork inner;

        public ModeDependentNetwork(FullyConnectedNetwork inner) : base("mode-dependent")
        {
            this.inner = inner;
            RegisterComponents();
        }

        public override long[] InputShape => inner.InputShape;

        public override int OutputCount => inner.OutputCount;

        public override string Describe() => "mode-dependent " + inner.Describe();

        public override Tensor forward(Tensor x) => training ? inner.forward(x) : inner.forward(x) + 1;
    }
}
