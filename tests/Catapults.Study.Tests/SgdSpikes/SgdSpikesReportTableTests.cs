using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;
using Catapults.Study.SgdSpikes;

namespace Catapults.Study.Tests.SgdSpikes;

/// <summary>
/// The sgd-spikes report's table on hand-made runs whose counts are known (the counts themselves are SpikeRunTests'):
/// the cells that put them into words, "k of n", the count expected by chance and the share of steps in per cent.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class SgdSpikesReportTableTests
{
    private const double Eta = 1.0;

    // Steps 0..19 recorded every 5; spike A starts at 5 (window 5..9), spike B at 10 (window 10..14). η_crit(batch) is
    // below η at the steps given, so a window holds such a step when one of them falls in it.
    private static SpikeRun Run(string label, int[] below, IReadOnlyList<DiagnosticsRecord> records) =>
        PlantedSpikeRun.Create(PlantedSpikeRun.TwoSpikes, t => below.Contains(t) ? 0.5 : 2.0, records, label: label, spikes: 2);

    private static DiagnosticsRecord Record(int step, double pl, double perp) => PlantedSpikeRun.Record(step, pl, perp);

    // A rises in PL_1 (0.1 → 2 against 1 → 1.2); B has no record at its peak, so it is not judged.
    private static readonly DiagnosticsRecord[] Probe = { Record(5, pl: 0.1, perp: 1), Record(10, pl: 2, perp: 1.2) };

    [Test]
    public void TheTableStatesTheCountsAsTheyAre()
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(new DataSettings { TrainCount = 20, TestCount = 10, InputDimension = 4 });
        // "both": steps 7 and 12, one in each window, 2 of 20 steps; "one": step 7 and 16, 17 (window 15..19 is no spike's).
        var runs = new[] { Run("both", [7, 12], Probe), Run("one", [7, 16, 17], Probe) };
        SgdSpikesReport.Write(temp.Path, data, runs, 1);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));
        var both = PlantedSpikeRun.Cells(report, "both");
        var one = PlantedSpikeRun.Cells(report, "one");
        Assert.Multiple(() =>
        {
            // Columns: 8 spikes starting where η > η_crit(batch), 9 expected by chance, 10 rising mostly in PL_1, 11 steps with η > η_crit.
            Assert.That(both[8], Is.EqualTo("2 of 2"));
            Assert.That(one[8], Is.EqualTo("1 of 2"));
            // Windows 0..4, 5..9, 10..14, 15..19: "both" has a step below in 2 of 4, "one" in 2 of 4: 2 spikes × 0.5.
            Assert.That(both[9], Is.EqualTo("1.0"));
            Assert.That(one[9], Is.EqualTo("1.0"));
            Assert.That(both[10], Is.EqualTo("1 of 1"), "B is not judged, so it is not counted");
            Assert.That(both[11], Is.EqualTo("10.0 %"));
            Assert.That(one[11], Is.EqualTo("15.0 %"));
        });
    }
    // The paragraph gives the runs' record interval, and each verdict row its own evidence (mutation round 22B).
    [Test]
    public void TheParagraphGivesTheRecordIntervalAndEachVerdictRowItsEvidence()
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(new DataSettings { TrainCount = 20, TestCount = 10, InputDimension = 4 });
        var runs = new[] { Run("both", [7, 12], Probe) };
        SgdSpikesReport.Write(temp.Path, data, runs, 1);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));
        Assert.That(report, Does.Contain("the full training loss recorded every 5 steps (rise above 2 × the running baseline"));
        var verdicts = SpikeVerdicts.Judge(runs, 1);
        Assert.That(verdicts.Select(v => v.Evidence).Distinct().Count(), Is.EqualTo(3), "the three claims' evidence differs here");
        foreach (var v in verdicts)
        {
            var row = report.Split('\n').Single(l => l.StartsWith($"| {v.Claim} |", StringComparison.Ordinal)).Split('|').Select(c => c.Trim()).ToArray();
            Assert.That(row[2..4], Is.EqualTo(new[] { v.Word, v.Evidence }), v.Claim);
        }
    }
}
