using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Support;

[SetUpFixture]
public sealed class EngineSetUp
{
    // One libtorch thread: the tests use tiny networks, and CI runs both test assemblies at once on 2 cores, where
    // extra intra-op threads only contend.
    [OneTimeSetUp]
    public void LoadEngine() => TorchRuntime.Configure(new RuntimeOptions { Threads = 1 });
}

/// <summary>Collects step records.</summary>
public sealed class RecordingObserver : ITrainingObserver
{
    public List<StepRecord> Records { get; } = new();
    public TrainingResult? Result { get; private set; }
    public void OnStepCompleted(StepRecord record, TrainingContext context) => Records.Add(record);
    public void OnTrainingCompleted(TrainingResult result, TrainingContext context) => Result = result;
}

/// <summary>Throws an <see cref="InvalidOperationException"/> once step <c>step</c> has completed: a run that fails mid-way.</summary>
public sealed class FailsAfterStep(int step) : ITrainingObserver
{
    public void OnStepCompleted(StepRecord record, TrainingContext context)
    {
        if (record.Step == step) throw new InvalidOperationException($"observer failed after step {step}");
    }
}

public static class Nets
{
    public static FullyConnectedNetwork TwoLayer(int d, int width, long seed = 0, bool bias = false,
        Parameterization p = Parameterization.Ntk, ActivationKind act = ActivationKind.Relu, int outputs = 1) =>
        new(new FullyConnectedOptions
        {
            InputDimension = d, HiddenWidths = new[] { width }, OutputCount = outputs, UseBias = bias,
            Parameterization = p, Activation = act, Seed = seed,
        });

    public static FullyConnectedNetwork Linear(int d, bool bias = true, int outputs = 1, long seed = 0) =>
        new(new FullyConnectedOptions
        {
            InputDimension = d, HiddenWidths = Array.Empty<int>(), OutputCount = outputs, UseBias = bias, Seed = seed,
        });
}
