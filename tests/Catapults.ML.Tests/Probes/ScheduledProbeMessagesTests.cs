using System.Text.Json.Nodes;
using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;

namespace Catapults.ML.Tests.Probes;

/// <summary>
/// Found by mutation testing (round 29A): what a probe says when it refuses a state or a measurement fails. The name
/// check's two names, a state with no records, a setting that is not a number, and the reason a failed measurement
/// gives the diverged run were each free to change: the tests only looked for the names, or for some reason.
/// </summary>
[TestFixture]
public sealed class ScheduledProbeMessagesTests
{
    private static (TensorDataset Train, TensorDataset Test) Data() => SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);

    private static ProbeState State(string name, string json) => new(name, JsonNode.Parse(json)!.AsObject());

    [Test]
    public void AStateOfAnotherProbeIsRefusedNamingWhoseStateItIsAndWhichProbeRefusedIt()
    {
        using var test = Data().Test;
        using var held = new HeldOutLossProbe(test, 2);
        using var sharp = new SharpnessProbe();
        using var state = held.CaptureState();
        var ex = Assert.Throws<ArgumentException>(() => sharp.RestoreState(state));
        Assert.That(ex!.Message, Does.StartWith("The state is of the probe 'held-out-loss', not 'sharpness'."));
        Assert.That(ex.ParamName, Is.EqualTo("state"));
    }

    // A state without records is damaged (a checkpoint file cut short), not an empty probe: restoring it would drop
    // the records the probe had.
    [Test]
    public void AStateWithoutRecordsIsRefusedAndTheProbeKeepsItsRecords()
    {
        using var test = Data().Test;
        using var probe = new HeldOutLossProbe(test, 1);
        using (var good = State(probe.Name, "{\"records\":[{\"step\":0,\"loss\":1.5}]}")) probe.RestoreState(good);
        using var state = State(probe.Name, "{\"every\":1}");
        var ex = Assert.Throws<ArgumentException>(() => probe.RestoreState(state));
        Assert.That(ex!.Message, Does.StartWith("The state of the probe 'held-out-loss' has no records."));
        Assert.That(ex.ParamName, Is.EqualTo("state"));
        Assert.That(probe.Records.Select(r => r.Loss), Is.EqualTo(new[] { 1.5 }));
    }

    [Test]
    public void ACapturedSettingThatIsNotANumberIsRefusedNamingItsKey()
    {
        using var probe = new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Rank = 2 });
        using var state = State(probe.Name, "{\"records\":[],\"rank\":\"2\"}");
        var ex = Assert.Throws<ArgumentException>(() => probe.RestoreState(state));
        Assert.That(ex!.Message, Is.EqualTo("The state of the probe 'subspace-alignment' cannot be read: 'rank' is \"2\", not a number. (Parameter 'state')"));
    }

    // A measurement that fails on overflowing values while the weights are still finite ends the run as diverged, and
    // the reason names the probe, the step and the failure.
    [Test]
    public void AMeasurementFailingOnNonFiniteValuesAtFiniteWeightsEndsTheRunNamingTheProbeAndStep()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new FailsAt(2, () => new ArithmeticException("the kernel overflowed\nsecond line")))
        {
            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 5 }, new[] { probe });
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
            Assert.That(result.Divergence!.Step, Is.EqualTo(2));
            Assert.That(result.Divergence.Reason, Does.Contain("the fails-at probe's measurement failed at step 2: the kernel overflowed"));
            Assert.That(result.Divergence.Reason, Does.Not.Contain("second line"), "the failure's first line");
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 1 }));
        }
    }

    // Any other failure at finite weights is the measurement's own fault: it propagates, it is not a divergence, and it
    // is not swallowed as a missing record.
    [Test]
    public void AnyOtherMeasurementFailureAtFiniteWeightsPropagates()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new FailsAt(2, () => new InvalidOperationException("the solver gave up")))
        {
            var ex = Assert.Throws<InvalidOperationException>(() =>
                Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 5 }, new[] { probe }));
            Assert.That(ex!.Message, Is.EqualTo("the solver gave up"));
        }
    }

    private sealed record Mark(int Step);

    private sealed class MarkOptions() : ProbeOptions(1);

    private sealed class FailsAt(int failing, Func<Exception> failure) : ScheduledProbe<Mark>("fails-at", new MarkOptions { RecordFinal = false })
    {
        public override DataFrame ToDataFrame() => new(new Int32DataFrameColumn("Step", Records.Select(r => (int?)r.Step)));

        protected override int StepOf(Mark record) => record.Step;

        protected override Mark? Measure(StepContext step) => step.Step == failing ? throw failure() : new Mark(step.Step);

        protected override Mark? MeasureFinal(TrainingResult result, TrainingContext context) => null;
    }
}
