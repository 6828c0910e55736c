using Catapults.ML.Data;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using Catapults.ML.Probes;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// The catapult phase of Lewkowycz et al. on a wide 2-layer NTK ReLU network trained by full-batch GD on the
/// rank-2 task: between η_crit and about 2·η_crit the loss spikes and comes back while λ_max(K) drops below
/// n/η; at 0.5·η_crit it decreases quietly.
/// </summary>
public class CatapultReproductionTests
{
    private const int N = 64, D = 12, Width = 1024, Steps = 120;

    private static (DiagnosticsProbe Observer, TrainingResult Result, double CriticalRate) Run(double multiple, int eigenvalues = 2)
    {
        var (train, test) = SyntheticTask.Rank2(D).CreateSplits(N, 4, seed: 21);
        using (test)
        using (train)
        using (var net = Nets.TwoLayer(D, Width, seed: 5))
        {
            double critical = CriticalLearningRate.Compute(net, train.Features).Value;
            var observer = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = eigenvalues, CriticalRate = CriticalRateCadence.Off });
            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = multiple * critical, MaxSteps = Steps }, new[] { observer });
            return (observer, result, critical);
        }
    }

    [Test]
    public void BetweenOneAndTwoCriticalRatesThereIsExactlyOneCatapult()
    {
        var (observer, result, critical) = Run(1.6);
        using (observer)
        {
            var records = observer.Records;
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
            var events = observer.CatapultEvents;
            Assert.That(events, Has.Count.EqualTo(1), "one catapult");
            var e = events[0];
            Assert.That(e.PeakRatio, Is.GreaterThan(2));
            Assert.That(e.SharpnessDecreased, Is.True);
            double lambdaStart = records[0].TopEigenvalue!.Value;
            double lambdaEnd = records[^1].TopEigenvalue!.Value;
            Assert.That(lambdaEnd, Is.LessThan(lambdaStart), "λ_max ends lower than it started");
            Assert.That(lambdaEnd, Is.LessThan(N / (1.6 * critical)), "λ_max ends below the stability edge n/η");
            Assert.That(records[^1].FullTrainingLoss!.Value, Is.LessThan(records[0].FullTrainingLoss!.Value));
            // The paper's catapult lowers λ_max by far more than it drifts between spikes.
            Assert.That(observer.Detector.ClearEvents, Is.EqualTo(events));
            Assert.That(observer.EventsToDataFrame()["Clear"][0], Is.EqualTo(true));
        }
    }

    [Test]
    public void WithoutASpectrumNoEventIsJudgedClear()
    {
        var (observer, _, _) = Run(1.6, eigenvalues: 0);
        using (observer)
        {
            var frame = observer.EventsToDataFrame();
            Assert.That(frame.Rows.Count, Is.GreaterThan(0), "the spike is still found");
            Assert.That(frame["Clear"][0], Is.Null, "no λ_max, no judgement");
        }
    }

    [Test]
    public void AtHalfTheCriticalRateThereIsNoCatapult()
    {
        var (observer, result, _) = Run(0.5);
        using (observer)
        {
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
            Assert.That(observer.CatapultEvents, Is.Empty);
            Assert.That(observer.Detector.Spikes, Is.Empty);
            var losses = observer.Records.Select(r => r.FullTrainingLoss!.Value).ToArray();
            Assert.That(losses[^1], Is.LessThan(losses[0]));
        }
    }
}
