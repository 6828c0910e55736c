using Catapults.ML.Diagnostics;
using Catapults.ML.Probes;

namespace Catapults.ML.Tests.Probes;

/// <summary>DiagnosticsFrames: every column holds its own field, and numbered columns are as wide as the longest list.</summary>
public class DiagnosticsFramesColumnsTests
{
    private static DiagnosticsRecord Record(int step, int epoch, double[] eigenvalues, double[] projected, double[] orthogonal) => new()
    {
        Step = step, Epoch = epoch, LearningRate = 0.5, Eigenvalues = eigenvalues, ProjectedLosses = projected, OrthogonalLosses = orthogonal,
    };

    [Test]
    public void OrthogonalLossColumnsHoldTheOrthogonalLosses()
    {
        var frame = DiagnosticsFrames.Records(new[] { Record(0, 0, new[] { 9.0, 4.0 }, new[] { 0.25, 0.5 }, new[] { 0.75, 0.125 }) });
        Assert.That((double?)frame["ProjectedLoss1"][0], Is.EqualTo(0.25));
        Assert.That((double?)frame["ProjectedLoss2"][0], Is.EqualTo(0.5));
        Assert.That((double?)frame["OrthogonalLoss1"][0], Is.EqualTo(0.75));
        Assert.That((double?)frame["OrthogonalLoss2"][0], Is.EqualTo(0.125));
    }

    [Test]
    public void TheEpochColumnHoldsEachRecordsEpoch()
    {
        var frame = DiagnosticsFrames.Records(new[]
        {
            Record(0, 0, Array.Empty<double>(), Array.Empty<double>(), Array.Empty<double>()),
            Record(7, 1, Array.Empty<double>(), Array.Empty<double>(), Array.Empty<double>()),
        });
        Assert.That(frame["Step"].Cast<int?>(), Is.EqualTo(new int?[] { 0, 7 }));
        Assert.That(frame["Epoch"].Cast<int?>(), Is.EqualTo(new int?[] { 0, 1 }));
    }

    [Test]
    public void NumberedColumnsAreAsWideAsTheLongestListWithNullsWhereAListIsShorter()
    {
        var frame = DiagnosticsFrames.Records(new[]
        {
            Record(0, 0, new[] { 3.0 }, Array.Empty<double>(), Array.Empty<double>()),
            Record(1, 0, new[] { 5.0, 2.0, 1.0 }, Array.Empty<double>(), Array.Empty<double>()),
        });
        var names = frame.Columns.Select(c => c.Name).ToList();
        Assert.That(names, Does.Contain("Lambda3"));
        Assert.That(names, Does.Not.Contain("Lambda4"));
        Assert.That((double?)frame["Lambda1"][0], Is.EqualTo(3.0));
        Assert.That(frame["Lambda2"][0], Is.Null);
        Assert.That((double?)frame["Lambda3"][1], Is.EqualTo(1.0));
    }

    [Test]
    public void TheCriticalRateFramesSharpnessColumnIsTheSharpness()
    {
        // The two columns are the record's two fields, not one of them twice.
        var frame = DiagnosticsFrames.CriticalRates(new[] { new CriticalRateRecord(3, 0.1, 0.25, 8.0, 4, 0.0) });
        Assert.That((double?)frame["CriticalLearningRate"][0], Is.EqualTo(0.25));
        Assert.That((double?)frame["Sharpness"][0], Is.EqualTo(8.0));
        Assert.That((int?)frame["BatchSize"][0], Is.EqualTo(4));
    }

    [Test]
    public void TheEventsFrameKeepsSharpnessBeforeAndAfterApart()
    {
        var frame = DiagnosticsFrames.Events(new[] { new CatapultEvent(2, 4, 9, 1.0, 5.0, 0.5, 12.0, 3.0) });
        Assert.That((double?)frame["SharpnessBefore"][0], Is.EqualTo(12.0));
        Assert.That((double?)frame["SharpnessAfter"][0], Is.EqualTo(3.0));
        Assert.That((double?)frame["PeakRatio"][0], Is.EqualTo(5.0));
    }

    // Found by mutation testing (round 21A): the orthogonal-loss columns are as many as the projected ones, not as the
    // eigenvalues. A cross-entropy run has eigenvalues but no projected losses, and got OrthogonalLoss columns of nulls.
    [Test]
    public void RecordsWithEigenvaluesButNoProjectedLossesHaveNoLossColumns()
    {
        var frame = DiagnosticsFrames.Records(new[] { Record(0, 0, new[] { 9.0, 4.0 }, Array.Empty<double>(), Array.Empty<double>()) });
        var names = frame.Columns.Select(c => c.Name).ToList();
        Assert.That(names, Does.Contain("Lambda2"));
        Assert.That(names.Where(n => n.StartsWith("ProjectedLoss", StringComparison.Ordinal) || n.StartsWith("OrthogonalLoss", StringComparison.Ordinal)),
            Is.Empty);
    }

    // Found by mutation testing (round 21A): a column filled from another field, or with nothing, passed every test.
    // Each field here has a value no other field has, so each column must hold its own.
    [Test]
    public void EveryRecordColumnHoldsItsOwnField()
    {
        var record = Record(6, 2, new[] { 9.0 }, new[] { 0.25 }, new[] { 0.75 }) with
        {
            IsFinal = true, LearningRate = 0.125, BatchLoss = 1.5, FullTrainingLoss = 2.5, ProbeLoss = 3.5, EigenResidual = 1e-7,
            EigenProducts = 11, CriticalLearningRate = 0.2, BatchSharpness = 10.0, Seconds = 0.375,
        };
        var frame = DiagnosticsFrames.Records(new[] { record });
        Assert.Multiple(() =>
        {
            Assert.That((bool?)frame["IsFinal"][0], Is.True);
            Assert.That((double?)frame["LearningRate"][0], Is.EqualTo(0.125));
            Assert.That((double?)frame["BatchLoss"][0], Is.EqualTo(1.5));
            Assert.That((double?)frame["FullTrainingLoss"][0], Is.EqualTo(2.5));
            Assert.That((double?)frame["ProbeLoss"][0], Is.EqualTo(3.5));
            Assert.That((double?)frame["EigenResidual"][0], Is.EqualTo(1e-7));
            Assert.That((int?)frame["EigenProducts"][0], Is.EqualTo(11));
            Assert.That((double?)frame["CriticalLearningRate"][0], Is.EqualTo(0.2));
            Assert.That((double?)frame["BatchSharpness"][0], Is.EqualTo(10.0));
            Assert.That((double?)frame["Seconds"][0], Is.EqualTo(0.375));
        });
    }

    [Test]
    public void EveryEventAndCriticalRateColumnHoldsItsOwnField()
    {
        var events = DiagnosticsFrames.Events(new[] { new CatapultEvent(2, 4, 9, 1.0, 5.0, 0.5, 12.0, 3.0) }, _ => false);
        var rates = DiagnosticsFrames.CriticalRates(new[] { new CriticalRateRecord(3, 0.1, 0.25, 8.0, 4, 0.5) });
        Assert.Multiple(() =>
        {
            Assert.That((int?)events["StartStep"][0], Is.EqualTo(2));
            Assert.That((int?)events["PeakStep"][0], Is.EqualTo(4));
            Assert.That((int?)events["EndStep"][0], Is.EqualTo(9));
            Assert.That((double?)events["StartLoss"][0], Is.EqualTo(1.0));
            Assert.That((double?)events["PeakLoss"][0], Is.EqualTo(5.0));
            Assert.That((double?)events["EndLoss"][0], Is.EqualTo(0.5));
            Assert.That((bool?)events["Clear"][0], Is.False, "the judge's answer, not null");
            Assert.That((int?)rates["Step"][0], Is.EqualTo(3));
            Assert.That((double?)rates["LearningRate"][0], Is.EqualTo(0.1));
            Assert.That((double?)rates["Seconds"][0], Is.EqualTo(0.5));
        });
    }

    // Found by mutation testing (round 21A): no records, no numbered columns (the widest of no lists is 0, not 1).
    [Test]
    public void NoRecordsHaveNoNumberedColumns()
    {
        var frame = DiagnosticsFrames.Records(Array.Empty<DiagnosticsRecord>());
        Assert.That(frame.Rows.Count, Is.EqualTo(0));
        Assert.That(frame.Columns.Select(c => c.Name).Where(n => char.IsDigit(n[^1])), Is.Empty);
        Assert.That(frame.Columns.Select(c => c.Name), Does.Contain("EigenResidual"));
    }
}
