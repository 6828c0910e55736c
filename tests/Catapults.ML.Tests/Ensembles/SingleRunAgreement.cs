using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>An ensemble's members against the engine <see cref="Trainer"/>'s single runs of the same descriptions.</summary>
internal static class SingleRunAgreement
{
    // The batched products (baddbmm/bmm) and the update w − (η·g) round differently from linear() and SGD's fused
    // w + (−η)·g in the last bit of float32 (~6e-8 relative per operation). Over 30 steps at rates below the edge of
    // stability these differences grow to ~1e-6 relative; 1e-4 leaves room for a catapult's amplification without hiding
    // a wrong gradient, rate or batch, which change the losses at the first step by far more.
    public const double Tolerance = 1e-4;

    /// <summary>
    /// Trains each member of <paramref name="ensemble"/> alone on its own epochs over <paramref name="data"/> and asserts
    /// that <paramref name="results"/> (the ensemble's run) match: outcome, steps, divergence step, every batch loss, the
    /// final training loss and, for members that did not diverge, the weights the ensemble holds for them.
    /// </summary>
    public static void AssertMembersMatch(FullyConnectedEnsemble ensemble, IReadOnlyList<EnsembleMemberResult> results, TensorDataset data)
    {
        var shape = ensemble.InputShape.ToArray();
        for (int i = 0; i < ensemble.Members.Count; i++)
        {
            var member = ensemble.Members[i];
            var t = member.Training;
            using var model = member.BuildSingle(shape, ensemble.OutputCount);
            var log = new RecordingObserver();
            TrainingResult single;
            using (var trainer = new Trainer(model, t))
                single = trainer.Run(new EpochBatchSource(data, t.BatchSize, t.ShuffleSeed, t.LastPartialBatch), new ITrainingObserver[] { log });
            var expected = log.Records.Select(r => r.BatchLoss).ToArray();
            var actual = results[i];
            Assert.That(actual.Result.Outcome, Is.EqualTo(single.Outcome), $"member {i} outcome");
            Assert.That(actual.Result.Steps, Is.EqualTo(single.Steps), $"member {i} steps");
            // A diverged member's losses are those of the steps it took, as the single run's; the loss that exposed it is in its DivergenceInfo.
            bool diverged = single.Outcome == TrainingOutcome.Diverged;
            Assert.That(actual.BatchLosses, Has.Count.EqualTo(expected.Length), $"member {i} steps recorded");
            for (int s = 0; s < expected.Length; s++)
                Assert.That(actual.BatchLosses[s], Is.EqualTo(expected[s]).Within(Tolerance * Math.Abs(expected[s]) + 1e-7), $"member {i} batch loss at step {s}");
            if (diverged)
            {
                Assert.That(actual.Result.Divergence!.Step, Is.EqualTo(single.Divergence!.Step), $"member {i} divergence step");
                continue;
            }
            Assert.That(actual.Result.FinalTrainingLoss!.Value, Is.EqualTo(single.FinalTrainingLoss!.Value).Within(Tolerance * single.FinalTrainingLoss!.Value), $"member {i} final loss");
            using var extracted = ensemble.ExtractMember(i);
            var a = extracted.TrainableParameters();
            var b = model.TrainableParameters();
            for (int k = 0; k < a.Count; k++)
                TensorAssert.AllClose(a[k].Parameter, b[k].Parameter, Tolerance, 1e-5, $"member {i} {a[k].Name}");
        }
    }
}
