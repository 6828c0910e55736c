using Catapults.ML.Ensembles;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// Before the given steps, checks each active member's η_crit from <see cref="EnsembleMeasurements.CriticalRates"/>
/// against <see cref="CriticalLearningRate"/> on the member extracted as a single network (both read the weights).
/// </summary>
internal sealed class CriticalRateObserver(Tensor x, params int[] steps) : IEnsembleObserver
{
    public int Checked { get; private set; }

    public void OnBeforeStep(int step, FullyConnectedEnsemble ensemble)
    {
        if (!steps.Contains(step)) return;
        var rates = EnsembleMeasurements.CriticalRates(ensemble, x);
        for (int p = 0; p < rates.Length; p++)
        {
            using var single = ensemble.ExtractMember(ensemble.ActiveMembers[p]);
            double expected = CriticalLearningRate.Compute(single, x).Value;
            Assert.That(rates[p], Is.EqualTo(expected).Within(1e-4 * expected), $"member {p} at step {step}");
            Checked++;
        }
    }

    public void OnMembersFinished(IReadOnlyList<int> members, IReadOnlyList<TrainingResult> results, FullyConnectedEnsemble ensemble) { }
}
