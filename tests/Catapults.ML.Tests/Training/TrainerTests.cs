using Catapults.ML.Data;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

public class TrainerTests
{
    private static TensorDataset LinearData(int n, int d, long seed, int outputs = 1)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        var x = torch.randn(new long[] { n, d }, generator: g);
        var y = torch.randn(new long[] { n, outputs }, generator: g);
        return new TensorDataset(x, y);
    }

    [Test]
    public void GradientDescentOnLinearModelReachesLeastSquares()
    {
        const int n = 40, d = 5;
        using var data = LinearData(n, d, seed: 11);
        using var net = Nets.Linear(d, bias: true);
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.5, MaxSteps = 3000 });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));

        // Independent solution: least squares on [X, 1] in float64.
        using var xd = data.Features.to_type(ScalarType.Float64);
        using var design = torch.cat(new[] { xd, torch.ones(n, 1, dtype: ScalarType.Float64) }, 1);
        using var yd = data.Targets.to_type(ScalarType.Float64);
        var (solution, _, _, _) = torch.linalg.lstsq(design, yd);
        using var fitted = design.matmul(solution);
        using var predicted = net.forward(data.Features);
        TensorAssert.AllClose(predicted, fitted, 1e-4, 1e-4, "GD predictions vs least-squares fit");
        double lsLoss = (fitted - yd).square().sum(1).mean().ToDouble();
        Assert.That(result.FinalTrainingLoss!.Value, Is.EqualTo(lsLoss).Within(1e-5));
    }

    [Test]
    public void SgdWithBatchFiveLowersRank2TrainingLoss()
    {
        var task = SyntheticTask.Rank2(20);
        var (train, test) = task.CreateSplits(200, 50, seed: 1);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(20, 256, seed: 1, bias: true))
        {
            double initial = Losses.Evaluate(net, train, LossKind.MeanSquaredError);
            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.5, BatchSize = 5, MaxEpochs = 30, ShuffleSeed = 3 });
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
            Assert.That(result.Steps, Is.EqualTo(30 * 40));
            Assert.That(result.FinalTrainingLoss!.Value, Is.LessThan(0.5 * initial), $"initial {initial}");
        }
    }

    [Test]
    public void MilestoneScheduleSetsTheRateAtTheGivenSteps()
    {
        using var data = LinearData(16, 3, seed: 2);
        using var net = Nets.Linear(3);
        var schedule = new MilestoneSchedule(0.01, new[] { (5, 0.02), (9, 0.04) });
        var recorder = new RecordingObserver();
        var probe = new RateProbe();
        Trainer.Train(net, data, new TrainingOptions { Schedule = schedule, MaxSteps = 12 }, new ITrainingObserver[] { recorder, probe });
        var expected = Enumerable.Range(0, 12).Select(s => s < 5 ? 0.01 : s < 9 ? 0.02 : 0.04).ToArray();
        Assert.That(recorder.Records.Select(r => r.LearningRate), Is.EqualTo(expected));
        // The optimiser really used that rate: for plain GD, Δw = −η ∇L.
        Assert.That(probe.Measured, Is.EqualTo(expected).Within(1e-4));
    }

    /// <summary>Measures the rate actually applied: ‖Δw‖ / ‖∇L(w)‖ for plain GD on the first weight matrix.</summary>
    private sealed class RateProbe : ITrainingObserver
    {
        private Tensor? _before;
        private Tensor? _grad;
        public List<double> Measured { get; } = new();

        public void OnBeforeStep(StepContext step)
        {
            var model = step.Training.Model;
            var w = model.TrainableParameters()[0].Parameter;
            var loss = Losses.Compute(step.Training.Options.Loss, model.forward(step.Batch.Features), step.Batch.Targets);
            _grad = torch.autograd.grad(new[] { loss }, new[] { (Tensor)w })[0].detach().clone().DetachFromDisposeScope();
            _before = w.detach().clone().DetachFromDisposeScope();
        }

        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            var w = context.Model.TrainableParameters()[0].Parameter;
            using var delta = _before! - w;
            Measured.Add(delta.norm().ToDouble() / _grad!.norm().ToDouble());
            _before!.Dispose(); _grad!.Dispose();
        }
    }

    [Test]
    public void SameSeedAndOneThreadGiveBitIdenticalRuns()
    {
        int threads = torch.get_num_threads();
        try
        {
            TorchRuntime.Configure(new RuntimeOptions { Threads = 1 });
            double[] Run(out float[] weights)
            {
                var (train, test) = SyntheticTask.Rank2(10).CreateSplits(100, 10, seed: 5);
                using (train) using (test)
                using (var net = Nets.TwoLayer(10, 64, seed: 9, bias: true))
                {
                    var rec = new RecordingObserver();
                    Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.3, BatchSize = 10, MaxSteps = 200, ShuffleSeed = 4 },
                        new[] { rec });
                    weights = net.Layers[0].Weight.detach().cpu().data<float>().ToArray();
                    return rec.Records.Select(r => r.BatchLoss).ToArray();
                }
            }
            var a = Run(out var wa);
            var b = Run(out var wb);
            Assert.That(b, Is.EqualTo(a), "loss curves");
            Assert.That(wb, Is.EqualTo(wa), "final weights");
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    [Test]
    public void ShuffleSeedChangesBatchOrderOnly()
    {
        using var data = LinearData(30, 2, seed: 1);
        var a = new EpochBatchSource(data, 5, shuffleSeed: 1);
        var b = new EpochBatchSource(data, 5, shuffleSeed: 2);
        var epochA = Enumerable.Range(0, 6).SelectMany(a.IndicesAt).ToArray();
        var epochB = Enumerable.Range(0, 6).SelectMany(b.IndicesAt).ToArray();
        Assert.That(epochA, Is.Not.EqualTo(epochB));
        Assert.That(epochA.OrderBy(i => i), Is.EqualTo(Enumerable.Range(0, 30).Select(i => (long)i)), "an epoch visits every sample once");
        Assert.That(Enumerable.Range(6, 6).SelectMany(a.IndicesAt), Is.Not.EqualTo(epochA), "each epoch reshuffles");
    }

    [Test]
    public void PartialBatchPolicyIsHonoured()
    {
        using var data = LinearData(23, 2, seed: 1);
        Assert.That(new EpochBatchSource(data, 5, 0, PartialBatchPolicy.Drop).StepsPerEpoch, Is.EqualTo(4));
        var keep = new EpochBatchSource(data, 5, 0, PartialBatchPolicy.Keep);
        Assert.That(keep.StepsPerEpoch, Is.EqualTo(5));
        Assert.That(keep.IndicesAt(4).Length, Is.EqualTo(3));
    }

    [Test]
    public void HugeLearningRateDivergesCleanly()
    {
        var (train, test) = SyntheticTask.Rank2(10).CreateSplits(64, 8, seed: 2);
        using (train) using (test)
        using (var net = Nets.TwoLayer(10, 128, seed: 1))
        {
            var rec = new RecordingObserver();
            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 1e4, MaxSteps = 1000 }, new[] { rec });
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
            Assert.That(result.Divergence, Is.Not.Null);
            Assert.That(result.Divergence!.Step, Is.LessThan(20));
            Assert.That(result.Divergence.LastFiniteLoss is double last && double.IsFinite(last), Is.True);
            Assert.That(result.FinalTrainingLoss, Is.Null);
            Assert.That(rec.Records.All(r => double.IsFinite(r.BatchLoss)), Is.True, "no NaN reaches the records");
            Assert.That(rec.Result!.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        }
    }

    [Test]
    public void TargetLossStopsTraining()
    {
        using var data = LinearData(20, 30, seed: 3); // over-parameterised: the loss can reach 0
        using var net = Nets.Linear(30);
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.5, MaxSteps = 100000, TargetLoss = 1e-3 });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.TargetLossReached));
        Assert.That(result.FinalTrainingLoss!.Value, Is.LessThanOrEqualTo(1e-3));
        Assert.That(result.Steps, Is.LessThan(100000));
    }

    [Test]
    public void FullLossIsRecordedOnRequestAndEqualsEvaluation()
    {
        using var data = LinearData(40, 4, seed: 3);
        using var net = Nets.Linear(4);
        var rec = new RecordingObserver();
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.1, BatchSize = 8, FullLossEvery = 3, MaxSteps = 10 }, new[] { rec });
        Assert.That(rec.Records.Select(r => r.FullTrainingLoss.HasValue), Is.EqualTo(Enumerable.Range(0, 10).Select(s => s % 3 == 0)));
        Assert.That(rec.Records.All(r => r.BatchIndices.Count == 8));
    }

    [Test]
    public void CrossEntropyTrainsAClassifier()
    {
        using var g = Seeding.TorchGenerator(1, Seeding.Stream.Data);
        using var x = torch.randn(new long[] { 120, 4 }, generator: g);
        using var labels = x[.., 0].gt(0).to_type(ScalarType.Int64) + x[.., 1].gt(0).to_type(ScalarType.Int64);
        using var data = new TensorDataset(x.clone(), labels.clone());
        using var net = Nets.TwoLayer(4, 64, bias: true, outputs: 3);
        double before = Losses.Evaluate(net, data, LossKind.CrossEntropy);
        var result = Trainer.Train(net, data, new TrainingOptions
        {
            Loss = LossKind.CrossEntropy, Optimizer = OptimizerKind.Adam, LearningRate = 0.01, BatchSize = 20, MaxEpochs = 40,
        });
        Assert.That(result.FinalTrainingLoss!.Value, Is.LessThan(0.6 * before));
    }

    [TestCase(OptimizerKind.Sgd)]
    [TestCase(OptimizerKind.Momentum)]
    [TestCase(OptimizerKind.Adam)]
    [TestCase(OptimizerKind.RmsProp)]
    [TestCase(OptimizerKind.Adagrad)]
    public void EveryOptimiserLowersTheLoss(OptimizerKind kind)
    {
        using var data = LinearData(50, 6, seed: 8);
        using var net = Nets.Linear(6);
        double before = Losses.Evaluate(net, data, LossKind.MeanSquaredError);
        double lr = kind is OptimizerKind.Sgd or OptimizerKind.Momentum ? 0.05 : 0.02;
        var result = Trainer.Train(net, data, new TrainingOptions { Optimizer = kind, LearningRate = lr, BatchSize = 10, MaxEpochs = 50 });
        Assert.That(result.FinalTrainingLoss!.Value, Is.LessThan(0.8 * before), kind.ToString());
    }

    [Test]
    public void IdentityUpdateTransformChangesNothing()
    {
        using var data = LinearData(30, 4, seed: 4);
        using var a = Nets.TwoLayer(4, 16, seed: 2);
        using var b = Nets.TwoLayer(4, 16, seed: 2);
        var options = new TrainingOptions { LearningRate = 0.2, BatchSize = 6, MaxSteps = 25, Optimizer = OptimizerKind.Momentum };
        Trainer.Train(a, data, options);
        Trainer.Train(b, data, new TrainingOptions
        {
            LearningRate = 0.2, BatchSize = 6, MaxSteps = 25, Optimizer = OptimizerKind.Momentum, UpdateTransform = new IdentityTransform(),
        });
        TensorAssert.AllClose(b.Layers[0].Weight, a.Layers[0].Weight, 1e-5, 1e-6, "weights");
    }

    private sealed class IdentityTransform : IUpdateTransform
    {
        public void Transform(StepContext step, IReadOnlyList<TorchSharp.Modules.Parameter> parameters, IReadOnlyList<Tensor> updates) { }
    }

    [Test]
    public void TrainerContinuesWhereItStopped()
    {
        using var data = LinearData(30, 4, seed: 4);
        using var a = Nets.Linear(4, seed: 1);
        using var b = Nets.Linear(4, seed: 1);
        Trainer.Train(a, data, new TrainingOptions { LearningRate = 0.1, BatchSize = 5, MaxSteps = 20, ShuffleSeed = 2 });
        var options = new TrainingOptions { LearningRate = 0.1, BatchSize = 5, MaxSteps = 8, ShuffleSeed = 2 };
        using var trainer = new Trainer(b, options);
        trainer.Run(data);
        trainer.Options = options with { MaxSteps = 20 };
        var result = trainer.Run(data);
        Assert.That(result.Steps, Is.EqualTo(20));
        TensorAssert.AllClose(b.Layers[0].Weight, a.Layers[0].Weight, 1e-6, 1e-7, "split run equals one run");
    }

    [Test]
    public void InvalidOptionsNameTheOption()
    {
        using var data = LinearData(10, 2, seed: 1);
        using var net = Nets.Linear(2);
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, new TrainingOptions { BatchSize = 11, MaxSteps = 1 }));
        Assert.That(ex!.Message, Does.Contain("BatchSize 11").And.Contain("10 samples"));
        ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, new TrainingOptions { LearningRate = -1, MaxSteps = 1 }));
        Assert.That(ex!.ParamName, Is.EqualTo("LearningRate"));
        ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, new TrainingOptions()));
        Assert.That(ex!.Message, Does.Contain("MaxSteps or MaxEpochs"));
        using var wide = Nets.Linear(3);
        ex = Assert.Throws<ArgumentException>(() => Trainer.Train(wide, data, new TrainingOptions { MaxSteps = 1 }));
        Assert.That(ex!.Message, Does.Contain("expects 3 input features"));
    }

    [Test]
    public void TwoThousandSgdStepsLeakNoTensors()
    {
        var (train, test) = SyntheticTask.Rank2(20).CreateSplits(200, 10, seed: 1);
        using (train) using (test)
        using (var net = Nets.TwoLayer(20, 128, seed: 1, bias: true))
        {
            var options = new TrainingOptions { LearningRate = 0.2, BatchSize = 5, MaxSteps = 50, FullLossEvery = 100, Optimizer = OptimizerKind.Momentum };
            using var trainer = new Trainer(net, options);
            var rec = new RecordingObserver();
            TensorAssert.NoLeak(
                () => trainer.Run(train, new[] { rec }),
                () =>
                {
                    trainer.Options = options with { MaxSteps = 2050 };
                    trainer.Run(train, new[] { rec });
                },
                "2,000 SGD steps");
            Assert.That(trainer.Step, Is.EqualTo(2050));
        }
    }

    // Probes tell a new trajectory (a run from step 0) from a continued one by this.
    [Test]
    public void TheContextSaysWhichStepTheRunStartsAt()
    {
        var (train, test) = SyntheticTask.Rank2(6).CreateSplits(40, 5, seed: 1);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 }))
        {
            var starts = new List<int>();
            var observer = new StartWatcher(starts);
            trainer.Run(train, new[] { observer });
            trainer.Options = trainer.Options with { MaxSteps = 5 };
            trainer.Run(train, new[] { observer });
            trainer.ResumeAt(1, referenceLoss: null);
            trainer.Run(train, new[] { observer });
            Assert.That(starts, Is.EqualTo(new[] { 0, 3, 1 }));
        }
    }

    private sealed class StartWatcher(List<int> starts) : ITrainingObserver
    {
        public void OnTrainingStarted(TrainingContext context) => starts.Add(context.StartStep);
    }

    // Found by mutation testing (round 31C): a disposed trainer has no optimiser left, so a run on it is refused before
    // anything happens, not part-way through with an observer already told that training started.
    [Test]
    public void ADisposedTrainerRefusesToRunBeforeTellingAnyObserver()
    {
        using var data = LinearData(10, 2, seed: 1);
        using var net = Nets.Linear(2);
        var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.1, MaxSteps = 1 });
        trainer.Dispose();
        var starts = new List<int>();
        Assert.Throws<ObjectDisposedException>(() => trainer.Run(data, new[] { new StartWatcher(starts) }));
        Assert.That(starts, Is.Empty, "no observer heard of a run that could not start");
        Assert.That(trainer.Step, Is.EqualTo(0));
    }

    // Found by mutation testing (round 31C): each observer callback runs in its own dispose scope, so the tensors an
    // observer makes and drops (at the start, after an update, at the end) are freed when the callback returns.
    [Test]
    public void TensorsAnObserverLeavesBehindAreDisposedAfterItsCallback()
    {
        using var data = LinearData(12, 3, seed: 1);
        using var net = Nets.Linear(3);
        var litter = new Litterer();
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.1, MaxSteps = 3 }, new[] { litter });
        Assert.That(litter.Made, Has.Count.EqualTo(5), "started, three steps, completed");
        Assert.That(litter.Made.Select(t => t.IsInvalid), Is.All.True);
    }

    private sealed class Litterer : ITrainingObserver
    {
        public List<Tensor> Made { get; } = new();
        public void OnTrainingStarted(TrainingContext context) => Made.Add(torch.ones(2));
        public void OnStepCompleted(StepRecord record, TrainingContext context) => Made.Add(torch.ones(2));
        public void OnTrainingCompleted(TrainingResult result, TrainingContext context) => Made.Add(torch.ones(2));
    }

    // Found by mutation testing (round 31C): the trainer restores training mode after observers run, so an observer that
    // leaves the model in evaluation mode does not change the mode the next observer (or the next step) sees.
    [Test]
    public void AnObserverThatLeavesEvaluationModeDoesNotChangeTheModeOfTheNextStep()
    {
        using var data = LinearData(12, 3, seed: 1);
        using var net = Nets.Linear(3);
        var modes = new List<bool>();
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.1, MaxSteps = 3 },
            new ITrainingObserver[] { new LeavesEvaluationMode(), new ModeWatcher(modes) });
        Assert.That(modes, Is.EqualTo(new[] { true, true, true }));
    }

    private sealed class LeavesEvaluationMode : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context) => context.Model.eval();
    }

    private sealed class ModeWatcher(List<bool> modes) : ITrainingObserver
    {
        public void OnBeforeStep(StepContext step) => modes.Add(step.Training.Model.training);
    }

    // Found by mutation testing (round 31C): a model whose parameters are all frozen has nothing to train, and is refused
    // by name when the trainer is made.
    [Test]
    public void AModelWithoutTrainableParametersIsRefusedByName()
    {
        using var net = Nets.Linear(2);
        foreach (var (_, parameter) in net.TrainableParameters()) parameter.requires_grad = false;
        var ex = Assert.Throws<ArgumentException>(() => new Trainer(net, new TrainingOptions { LearningRate = 0.1, MaxSteps = 1 }));
        Assert.That(ex!.ParamName, Is.EqualTo("model"));
        Assert.That(ex.Message, Does.StartWith("The model has no trainable parameters."));
    }
}
