using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;
using Catapults.Study.SgdSpikes;

namespace Catapults.Study.Tests.SgdSpikes;

/// <summary>
/// The sgd-spikes table's outcome and clear-catapult cells on hand-made runs: a finished run reads as its outcome, a
/// diverged one as "diverged after N steps"; the clear catapults are counted with the spikes the drift test could not
/// judge in brackets. Found by mutation testing (6 Dec 2026). The rate, the full-batch critical rate, the summary's
/// catapults (apart from the clear ones) and the final test loss and alignment each stand in their own column (round 17B).
/// </summary>
public sealed class SgdSpikesReportColumnsTests
{
    private static SpikeRun Run(string label, string outcome, int steps, int clear, int unjudged)
    {
        var events = Enumerable.Range(0, 3).Select(i => new CatapultEvent(5 * i, 5 * i + 2, 5 * i + 4, 1, 4, 1, null, null)).ToArray();
        return PlantedSpikeRun.Create(events, _ => 2.0, clear: events.Take(clear).ToList(), unjudged: unjudged, label: label, outcome: outcome,
            steps: steps, catapults: clear, spikes: 3);
    }

    [Test]
    public void OutcomesAndClearCatapultsReadAsTheyAre()
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(new DataSettings { TrainCount = 20, TestCount = 10, InputDimension = 4 });
        var runs = new[] { Run("finished", "BudgetReached", 20, clear: 1, unjudged: 2), Run("blown", "Diverged", 12, clear: 0, unjudged: 3) };
        SgdSpikesReport.Write(temp.Path, data, runs, 1);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));
        var finished = PlantedSpikeRun.Cells(report, "finished");
        var blown = PlantedSpikeRun.Cells(report, "blown");
        Assert.Multiple(() =>
        {
            // Columns: 2 outcome, 7 clear catapults.
            Assert.That(finished[2], Is.EqualTo("BudgetReached"));
            Assert.That(blown[2], Is.EqualTo("diverged after 12 steps"));
            Assert.That(finished[7], Is.EqualTo("1 (2 spikes not judged)"));
            Assert.That(blown[7], Is.EqualTo("0 (3 spikes not judged)"));
        });
    }

    [Test]
    public void RatesCatapultsAndFinalValuesStandInTheirOwnColumns()
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(new DataSettings { TrainCount = 20, TestCount = 10, InputDimension = 4 });
        var planted = Run("values", "BudgetReached", 20, clear: 1, unjudged: 0);
        var run = planted with
        {
            FullBatchCriticalRate = 2.5,
            Outcome = planted.Outcome with { Summary = planted.Outcome.Summary with { Catapults = 2, TestLoss = 0.125, AgopAlignment = 0.75 } },
        };
        SgdSpikesReport.Write(temp.Path, data, new[] { run }, 1);
        var cells = PlantedSpikeRun.Cells(File.ReadAllText(Path.Combine(temp.Path, "report.md")), "values");
        // Columns: 3 η, 4 η_crit(GD, init), 5 spikes, 6 catapults, 7 clear catapults, 12 test loss, 13 AGOP alignment.
        Assert.That(new[] { cells[3], cells[4], cells[5], cells[6], cells[7], cells[12], cells[13] },
            Is.EqualTo(new[] { "1", "2.5", "3", "2", "1 (0 spikes not judged)", "0.125", "0.75" }));
    }
    // A run that blew up has no finite test loss: the table reads "n/a", not "∞" or "NaN" (mutation round 29C).
    [Test]
    public void ANonFiniteFinalValueReadsNotAvailable()
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(new DataSettings { TrainCount = 20, TestCount = 10, InputDimension = 4 });
        var planted = Run("blown", "Diverged", 12, clear: 0, unjudged: 0);
        var run = planted with { Outcome = planted.Outcome with { Summary = planted.Outcome.Summary with { TestLoss = double.PositiveInfinity, AgopAlignment = double.NaN } } };
        SgdSpikesReport.Write(temp.Path, data, new[] { run }, 1);
        var cells = PlantedSpikeRun.Cells(File.ReadAllText(Path.Combine(temp.Path, "report.md")), "blown");
        Assert.That(new[] { cells[12], cells[13] }, Is.EqualTo(new[] { "n/a", "n/a" }));
    }
}
