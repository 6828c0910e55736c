using System.Text.Json.Nodes;
using Catapults.ML.Diagnostics;
using Catapults.ML.Probes;

namespace Catapults.ML.Tests.Probes;

/// <summary>
/// Found by mutation testing (round 29A): every probe table's columns come in the order its documentation states. The
/// tables become a training report's tables and files, read by column position as well as by name; swapping two
/// columns (Epoch and IsFinal, EigenResidual before the λ columns) passed every test, which looked columns up by name.
/// </summary>
[TestFixture]
public sealed class ProbeFrameColumnOrderTests
{
    private static string[] Names(Microsoft.Data.Analysis.DataFrame frame) => frame.Columns.Select(c => c.Name).ToArray();

    [Test]
    public void TheDiagnosticsRecordsColumnsComeInTheDocumentedOrder()
    {
        var record = new DiagnosticsRecord
        {
            Step = 0, Epoch = 0, LearningRate = 0.1, Eigenvalues = new[] { 4.0, 2.0 }, ProjectedLosses = new[] { 0.5, 0.25 },
            OrthogonalLosses = new[] { 0.5, 0.75 },
        };
        Assert.That(Names(DiagnosticsFrames.Records(new[] { record })), Is.EqualTo(new[]
        {
            "Step", "Epoch", "IsFinal", "LearningRate", "BatchLoss", "FullTrainingLoss", "ProbeLoss", "Lambda1", "Lambda2",
            "EigenResidual", "EigenProducts", "ProjectedLoss1", "ProjectedLoss2", "OrthogonalLoss1", "OrthogonalLoss2",
            "CriticalLearningRate", "BatchSharpness", "Seconds",
        }));
    }

    [Test]
    public void TheEventsAndCriticalRatesColumnsComeInTheDocumentedOrder()
    {
        var events = DiagnosticsFrames.Events(new[] { new CatapultEvent(2, 4, 9, 1.0, 5.0, 0.5, 12.0, 3.0) });
        Assert.That(Names(events), Is.EqualTo(new[]
        {
            "StartStep", "PeakStep", "EndStep", "StartLoss", "PeakLoss", "EndLoss", "PeakRatio", "SharpnessBefore", "SharpnessAfter", "Clear",
        }));
        var rates = DiagnosticsFrames.CriticalRates(new[] { new CriticalRateRecord(3, 0.1, 0.25, 8.0, 4, 0.5) });
        Assert.That(Names(rates), Is.EqualTo(new[] { "Step", "LearningRate", "CriticalLearningRate", "Sharpness", "BatchSize", "Seconds" }));
    }

    // The records come from a restored state, so no training is needed; each field has a value no other field has.
    [Test]
    public void TheSharpnessFramesColumnsComeInOrderAndEachHoldsItsOwnField()
    {
        using var probe = new SharpnessProbe(new SharpnessProbeOptions { Every = 1 });
        using (var state = State(probe.Name,
                   "{\"records\":[{\"step\":4,\"isFinal\":true,\"learningRate\":0.5,\"sharpness\":3.5,\"stabilityThreshold\":4,"
                   + "\"relativeResidual\":0.001,\"products\":17}],\"every\":1}"))
            probe.RestoreState(state);
        var frame = probe.ToDataFrame();
        Assert.That(Names(frame), Is.EqualTo(new[] { "Step", "IsFinal", "LearningRate", "Sharpness", "StabilityThreshold", "RelativeResidual", "Products" }));
        Assert.Multiple(() =>
        {
            Assert.That((int?)frame["Step"][0], Is.EqualTo(4));
            Assert.That((bool?)frame["IsFinal"][0], Is.True);
            Assert.That((double?)frame["LearningRate"][0], Is.EqualTo(0.5));
            Assert.That((double?)frame["Sharpness"][0], Is.EqualTo(3.5));
            Assert.That((double?)frame["StabilityThreshold"][0], Is.EqualTo(4.0));
            Assert.That((double?)frame["RelativeResidual"][0], Is.EqualTo(0.001));
            Assert.That((int?)frame["Products"][0], Is.EqualTo(17));
        });
    }

    [Test]
    public void TheSubspaceAlignmentFramesColumnsComeInOrderAndEachHoldsItsOwnField()
    {
        using var probe = new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Every = 1, Rank = 2 });
        using (var state = State(probe.Name,
                   "{\"records\":[{\"step\":4,\"isFinal\":true,\"loss\":0.25,\"alignment\":0.75,\"eigenvalues\":[9,3],\"products\":17}],\"every\":1,\"rank\":2}"))
            probe.RestoreState(state);
        var frame = probe.ToDataFrame();
        Assert.That(Names(frame), Is.EqualTo(new[] { "Step", "IsFinal", "Loss", "Alignment", "Lambda1", "Lambda2", "Products" }));
        Assert.Multiple(() =>
        {
            Assert.That((int?)frame["Step"][0], Is.EqualTo(4));
            Assert.That((bool?)frame["IsFinal"][0], Is.True);
            Assert.That((double?)frame["Loss"][0], Is.EqualTo(0.25));
            Assert.That((double?)frame["Alignment"][0], Is.EqualTo(0.75));
            Assert.That((double?)frame["Lambda1"][0], Is.EqualTo(9.0));
            Assert.That((double?)frame["Lambda2"][0], Is.EqualTo(3.0));
            Assert.That((int?)frame["Products"][0], Is.EqualTo(17));
        });
    }

    // The numbered columns are as wide as the longest list wherever it comes; here the first record's, not the last's.
    [Test]
    public void NumberedColumnsAreAsWideAsTheLongestListEvenWhenALaterListIsShorter()
    {
        DiagnosticsRecord Record(int step, double[] eigenvalues) => new() { Step = step, Epoch = 0, LearningRate = 0.1, Eigenvalues = eigenvalues };
        var frame = DiagnosticsFrames.Records(new[] { Record(0, new[] { 5.0, 2.0, 1.0 }), Record(1, new[] { 3.0 }) });
        Assert.That(Names(frame).Where(n => n.StartsWith("Lambda", StringComparison.Ordinal)), Is.EqualTo(new[] { "Lambda1", "Lambda2", "Lambda3" }));
        Assert.That((double?)frame["Lambda3"][0], Is.EqualTo(1.0));
        Assert.That(frame["Lambda3"][1], Is.Null);
    }

    private static ProbeState State(string name, string json) => new(name, JsonNode.Parse(json)!.AsObject());
}
