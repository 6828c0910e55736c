using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Probes;

/// <summary>The probe framework: one cadence rule, records, DataFrames, and state that a checkpoint captures and restores.</summary>
public class ProbeStateTests
{
    private static (TensorDataset Train, TensorDataset Test) Data() => SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);

    private static IProbe[] EveryProbe(TensorDataset test, int every = 3) => new IProbe[]
    {
        new HeldOutLossProbe(test, new HeldOutLossProbeOptions { Every = every }),
        new SharpnessProbe(new SharpnessProbeOptions { Every = every }),
        new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Every = every, Rank = 2 }),
        new AgopAlignmentProbe(SyntheticTask.Rank2(6), new AgopAlignmentProbeOptions { Every = every }),
        new DiagnosticsProbe(new DiagnosticsOptions { Every = every, EigenvalueCount = 2, ProbeSize = 10 }),
        new CriticalRateProbe(test.Features, new CriticalRateProbeOptions { Every = every }),
    };

    [Test]
    public void EveryProbeMeasuresOnItsCadenceAndAtTheEnd()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        {
            var probes = EveryProbe(test);
            try
            {
                Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 7 }, probes);
                foreach (var probe in probes)
                {
                    var steps = probe.ToDataFrame().Columns["Step"].Cast<int?>().ToList();
                    Assert.That(steps, Is.EqualTo(new int?[] { 0, 3, 6, 7 }), probe.Name);
                }
                Assert.That(probes.Select(p => p.Name).Distinct().Count(), Is.EqualTo(probes.Length), "names are unique, so their checkpoint files are");
            }
            finally
            {
                foreach (var probe in probes) probe.Dispose();
            }
        }
    }

    [Test]
    public void EveryProbesStateRoundTripsAndARestoredProbeContinuesItsRecords()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 6, ShuffleSeed = 1 };
            var whole = EveryProbe(test);
            var first = EveryProbe(test);
            var resumed = EveryProbe(test);
            try
            {
                using (var net = Nets.TwoLayer(6, 16, seed: 1))
                    Trainer.Train(net, train, options with { MaxSteps = 10 }, whole);
                using (var net = Nets.TwoLayer(6, 16, seed: 1))
                using (var trainer = new Trainer(net, options))
                {
                    // Runs to step 6 without the final measurement (RecordFinal would add one at step 6 anyway, a due step).
                    trainer.Run(train, first);
                    for (int i = 0; i < first.Length; i++)
                    {
                        using var state = first[i].CaptureState();
                        Assert.That(state.Name, Is.EqualTo(first[i].Name));
                        // Through JSON text, as a checkpoint stores it.
                        var reread = System.Text.Json.Nodes.JsonNode.Parse(state.Data.ToJsonString())!.AsObject();
                        using var copy = new ProbeState(state.Name, reread, state.WarmStarts);
                        resumed[i].RestoreState(copy);
                        Assert.That(Json(resumed[i]), Is.EqualTo(Json(first[i])), $"{first[i].Name}: records restored");
                    }
                    trainer.Options = options with { MaxSteps = 10 };
                    trainer.Run(train, resumed);
                }
                for (int i = 0; i < whole.Length; i++)
                    Assert.That(Steps(resumed[i]), Is.EqualTo(Steps(whole[i])), $"{whole[i].Name}: the same measurement steps as an uninterrupted run");
                // The sharpness probe's warm start travels with its state, so its values agree with the uninterrupted run's.
                var sharp = (SharpnessProbe)resumed[1];
                var reference = (SharpnessProbe)whole[1];
                Assert.That(sharp.Records.Select(r => r.Sharpness), Is.EqualTo(reference.Records.Select(r => r.Sharpness)).Within(1e-6).Percent);
            }
            finally
            {
                foreach (var probe in whole.Concat(first).Concat(resumed)) probe.Dispose();
            }
        }
    }

    // The AGOP probe measures at the first weights of each run; a run resumed from a state captured mid-run is the same
    // run, and used to get an extra record off the cadence at the resume step (5 here).
    [Test]
    public void AnAgopProbeRestoredMidRunMeasuresOnlyWhereTheUninterruptedRunDid()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var whole = new AgopAlignmentProbe(SyntheticTask.Rank2(6), new AgopAlignmentProbeOptions { Every = 3 }))
        using (var first = new AgopAlignmentProbe(SyntheticTask.Rank2(6), new AgopAlignmentProbeOptions { Every = 3 }))
        using (var resumed = new AgopAlignmentProbe(SyntheticTask.Rank2(6), new AgopAlignmentProbeOptions { Every = 3 }))
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 10, ShuffleSeed = 1 };
            using (var net = Nets.TwoLayer(6, 16, seed: 1))
                Trainer.Train(net, train, options, new[] { whole });
            using (var net = Nets.TwoLayer(6, 16, seed: 1))
            using (var trainer = new Trainer(net, options with { MaxSteps = 5 }))
            {
                ProbeState? state = null;
                trainer.Run(train, new ITrainingObserver[] { first, new AfterStep(4, () => state = first.CaptureState()) });
                using (state)
                    resumed.RestoreState(state!);
                trainer.Options = options;
                trainer.Run(train, new[] { resumed });
            }
            Assert.That(Steps(resumed), Is.EqualTo(Steps(whole)));
            Assert.That(resumed.Records.Select(r => r.Alignment), Is.EqualTo(whole.Records.Select(r => r.Alignment)));
        }
    }

    // A probe follows one model through any number of trainers' runs, each counting steps from 0: its state after two
    // runs (steps 0, 3, 6, 7, 0, 3, 6, 7) restores.
    [Test]
    public void AStateOfTwoTrainersRunsRestores()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new HeldOutLossProbe(test, new HeldOutLossProbeOptions { Every = 3 }))
        using (var again = new HeldOutLossProbe(test, new HeldOutLossProbeOptions { Every = 3 }))
        {
            for (int run = 0; run < 2; run++)
                Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 7 }, new[] { probe });
            using var state = probe.CaptureState();
            again.RestoreState(state);
            Assert.That(Steps(again), Is.EqualTo(new int?[] { 0, 3, 6, 7, 0, 3, 6, 7 }));
        }
    }

    private sealed class AfterStep(int step, Action action) : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            if (record.Step == step) action();
        }
    }

    // A probe keeps float64 copies of its last eigenvectors as warm starts, replacing them at each measurement, and a
    // captured state holds copies of its own: native memory that only Dispose gives back. Every probe, created, run
    // measuring every step, captured and disposed outside any dispose scope, leaves no tensor alive. (It found the
    // inputs' extra handle that the critical-rate and AGOP probes made, and the copies' intermediates of a capture.)
    [Test]
    public void WarmStartsAndCapturedStatesLeaveNoTensorsBehind()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        {
            void Run()
            {
                foreach (var probe in EveryProbe(test, every: 1))
                {
                    using (probe)
                    using (var net = Nets.TwoLayer(6, 16, seed: 1, bias: true))
                    {
                        Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 6 }, new[] { probe });
                        using var state = probe.CaptureState();
                    }
                }
            }
            TensorAssert.NoLeak(Run, Run, "every probe measuring every step, then captured");
        }
    }

    // A probe measures before the step whose loss would expose the divergence, so it meets the non-finite values first:
    // weights blown up by a huge rate, or finite weights on inputs of 1e18 whose kernels and Hessian overflow float32.
    // Either way the run ends as Diverged with the step and a reason, and no probe keeps a non-finite record.
    [TestCase(1e4, 1f)]
    [TestCase(0.1, 1e18f)]
    public void EveryProbeEndsADivergingRunAsDivergedWithFiniteRecords(double rate, float inputScale)
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var features = train.Features * inputScale)
        using (var huge = new TensorDataset(features, train.Targets, "scaled"))
        {
            var probes = EveryProbe(test, every: 1);
            try
            {
                foreach (var probe in probes)
                {
                    using var fresh = Nets.TwoLayer(6, 16, seed: 1, bias: true);
                    var result = Trainer.Train(fresh, huge, new TrainingOptions { LearningRate = rate, BatchSize = 8, MaxSteps = 30 }, new[] { probe });
                    Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged), probe.Name);
                    Assert.That(result.Divergence!.Reason, Is.Not.Empty, probe.Name);
                    foreach (var column in probe.ToDataFrame().Columns.Where(c => c.DataType == typeof(double)))
                        Assert.That(column.Cast<double?>().All(v => v is null || double.IsFinite(v.Value)), Is.True, $"{probe.Name}: {column.Name}");
                }
            }
            finally
            {
                foreach (var probe in probes) probe.Dispose();
            }
        }
    }

    [Test]
    public void AStateOfAnotherProbeIsRefused()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var held = new HeldOutLossProbe(test, 2))
        using (var sharp = new SharpnessProbe())
        using (var state = held.CaptureState())
        {
            var ex = Assert.Throws<ArgumentException>(() => sharp.RestoreState(state));
            Assert.That(ex!.Message, Does.Contain("held-out-loss").And.Contain("sharpness"));
            Assert.Throws<ArgumentException>(() => new HeldOutLossProbe(test, 0), "a cadence of 0 steps");
        }
    }

    [Test]
    public void ADamagedStateWithANullRecordOrAMissingListIsRefusedWhenRestored()
    {
        using var test = Data().Test;
        foreach (var (probe, data, expected) in new (IProbe, string, string)[]
        {
            (new SharpnessProbe(), "{\"records\":[null]}", "record 0 is null"),
            (new AgopAlignmentProbe(SyntheticTask.Rank2(6), new AgopAlignmentProbeOptions()), "{\"records\":[null]}", "record 0 is null"),
            (new DiagnosticsProbe(new DiagnosticsOptions()), "{\"records\":[null],\"criticalRates\":[]}", "record 0 is null"),
            (new DiagnosticsProbe(new DiagnosticsOptions()), "{\"records\":[],\"criticalRates\":[null]}", "critical rate 0 is null"),
            (new DiagnosticsProbe(new DiagnosticsOptions()),
                "{\"records\":[{\"step\":2,\"epoch\":0,\"learningRate\":0.1,\"eigenvalues\":null}],\"criticalRates\":[]}", "record 0 has no 'eigenvalues'"),
            (new SubspaceAlignmentProbe(), "{\"records\":[{\"step\":0},{\"step\":1}]}", "record 0 has no 'eigenvalues'"),
            (new HeldOutLossProbe(test, 1), "{\"records\":[{\"step\":0,\"loss\":1},null]}", "record 1 is null"),
            // A damaged field name: skipped, its value lost and the loss read as 0 (found by random damage, 6 Dec 2026).
            (new HeldOutLossProbe(test, 1), "{\"records\":[{\"step\":0,\"losr\":1}]}",
                "The JSON property 'losr' could not be mapped to any .NET member contained in type 'Catapults.ML.Probes.HeldOutLoss'"),
        })
        {
            using (probe)
            using (var state = new ProbeState(probe.Name, System.Text.Json.Nodes.JsonNode.Parse(data)!.AsObject()))
            {
                var ex = Assert.Throws<ArgumentException>(() => probe.RestoreState(state), probe.Name);
                Assert.That(ex!.Message, Does.StartWith($"The state of the probe '{probe.Name}' cannot be read: {expected}."));
                Assert.That(probe.ToDataFrame().Rows.Count, Is.EqualTo(0), "the probe keeps its records");
            }
        }
    }

    // States that read as JSON but cannot continue this probe's table: a negative step, or captured under another
    // cadence or eigenvalue count. They were restored, and the tables mixed the two.
    [Test]
    public void AStateWithANegativeStepOrOfOtherSettingsIsRefused()
    {
        using var test = Data().Test;
        foreach (var (probe, data, expected) in new (IProbe, string, string)[]
        {
            (new HeldOutLossProbe(test, 5), "{\"records\":[{\"step\":-5,\"loss\":1}]}", "record 0 is of step -5; steps start at 0."),
            (new HeldOutLossProbe(test, 3), "{\"records\":[],\"every\":5}", "it was captured with a measurement every 5 steps, and this probe measures every 3."),
            (new HeldOutLossProbe(test, 3), "{\"records\":[],\"every\":\"3\"}", "'every' is \"3\", not a whole number of steps."),
            (new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 4 }), "{\"records\":[],\"criticalRates\":[],\"eigenvalueCount\":2}",
                "it was captured with an eigenvalue count of 2, and this probe has 4."),
            // Found by review: accepted, and the tables mixed ranks (half-empty Lambda columns) or cos(G, G*) with cos(G^½, G*^½).
            (new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Rank = 3 }), "{\"records\":[],\"rank\":2}",
                "it was captured with a rank of 2, and this probe has 3."),
            (new AgopAlignmentProbe(SyntheticTask.Rank2(6), new AgopAlignmentProbeOptions { MatrixPower = 0.5 }), "{\"records\":[],\"matrixPower\":1}",
                "it was captured with a matrix power of 1, and this probe has 0.5."),
        })
        {
            using (probe)
            using (var state = new ProbeState(probe.Name, System.Text.Json.Nodes.JsonNode.Parse(data)!.AsObject()))
            {
                var ex = Assert.Throws<ArgumentException>(() => probe.RestoreState(state), probe.Name);
                Assert.That(ex!.Message, Does.StartWith($"The state of the probe '{probe.Name}' cannot be read: {expected}"));
            }
        }
    }

    // Found by mutation testing (round 21A): the refusal above was only tested on hand-written JSON; a captured state
    // must carry its cadence for it to apply. Without it, a state of a probe measuring every 3 steps continued one
    // measuring every 5, and one table mixed the two.
    [Test]
    public void ACapturedStateCarriesItsCadenceAndAProbeOfAnotherRefusesIt()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var every3 = new HeldOutLossProbe(test, 3))
        using (var every5 = new HeldOutLossProbe(test, 5))
        {
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 4 }, new[] { every3 });
            using var state = every3.CaptureState();
            Assert.That(state.Data["every"]!.GetValue<int>(), Is.EqualTo(3));
            var ex = Assert.Throws<ArgumentException>(() => every5.RestoreState(state));
            Assert.That(ex!.Message, Does.Contain("it was captured with a measurement every 3 steps, and this probe measures every 5."));
            Assert.That(every5.Records, Is.Empty, "the refused state left no records");
        }
    }

    // Found by review: the sharpness and critical-rate probes kept the last step's rate outside their state, so a run
    // resumed at its last step reported a final record with η = NaN (2/η NaN) or 0.
    [Test]
    public void TheLastStepsRateTravelsWithEveryProbesState()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        {
            var probes = EveryProbe(test);
            var restored = EveryProbe(test);
            try
            {
                Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 4 }, probes);
                for (int i = 0; i < probes.Length; i++)
                {
                    using (var state = probes[i].CaptureState()) restored[i].RestoreState(state);
                    using var again = restored[i].CaptureState();
                    Assert.That(again.Data["lastLearningRate"]!.GetValue<double>(), Is.EqualTo(0.05), probes[i].Name);
                }
            }
            finally
            {
                foreach (var probe in probes.Concat(restored)) probe.Dispose();
            }
        }
    }

    // Found by mutation testing (round 21A): a state written before the last rate was kept has none; the run it continues
    // reports a rate of 0 in its final record (2/η = ∞), as a run of no steps does, not NaN.
    [Test]
    public void AStateWithoutALastRateContinuesWithARateOfZero()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new SharpnessProbe(new SharpnessProbeOptions { Every = 5 }))
        using (var state = new ProbeState(probe.Name, System.Text.Json.Nodes.JsonNode.Parse("{\"records\":[]}")!.AsObject()))
        {
            probe.RestoreState(state);
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, MaxSteps = 0 }, new IProbe[] { probe });
            Assert.That(probe.Records.Select(r => (r.Step, r.IsFinal)), Is.EqualTo(new[] { (0, true) }));
            Assert.That(probe.Records[0].LearningRate, Is.EqualTo(0));
            Assert.That(probe.Records[0].StabilityThreshold, Is.EqualTo(double.PositiveInfinity));
        }
    }

    // Found by mutation testing (round 21A): a state's warm starts are float64 copies, whatever the caller passes; a
    // float32 vector was kept as float32, and a checkpoint then held vectors of the precision the state promises not to.
    // A float64 vector, already of the state's type, is copied too: the caller may change or release its own.
    [TestCase(TorchSharp.torch.ScalarType.Float32)]
    [TestCase(TorchSharp.torch.ScalarType.Float64)]
    public void AStatesWarmStartsAreFloat64CopiesOfTheGivenTensors(TorchSharp.torch.ScalarType type)
    {
        using var vectors = TorchSharp.torch.tensor(new double[] { 1.5, -2, 0.25 }, dtype: type).reshape(3, 1);
        using var state = new ProbeState("p", new System.Text.Json.Nodes.JsonObject(),
            new Dictionary<string, TorchSharp.torch.Tensor> { ["v"] = vectors });
        var kept = state.WarmStarts["v"];
        Assert.That(kept.dtype, Is.EqualTo(TorchSharp.torch.ScalarType.Float64));
        Assert.That(kept.data<double>().ToArray(), Is.EqualTo(new[] { 1.5, -2.0, 0.25 }));
        vectors.fill_(7);
        Assert.That(kept.data<double>().ToArray(), Is.EqualTo(new[] { 1.5, -2.0, 0.25 }), "a copy, not a view of the caller's tensor");
    }

    // Found by mutation testing (round 21A): a record may hold ∞ (2/η of a run of no steps); its state is written with
    // "Infinity" as a string and read back. Without named literals, the capture failed.
    [Test]
    public void AStateOfARecordHoldingInfinityRoundTrips()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new SharpnessProbe(new SharpnessProbeOptions { Every = 5 }))
        using (var again = new SharpnessProbe(new SharpnessProbeOptions { Every = 5 }))
        {
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, MaxSteps = 0 }, new IProbe[] { probe });
            Assert.That(probe.Records[0].StabilityThreshold, Is.EqualTo(double.PositiveInfinity));
            using var state = probe.CaptureState();
            var reread = System.Text.Json.Nodes.JsonNode.Parse(state.Data.ToJsonString())!.AsObject();
            using var copy = new ProbeState(state.Name, reread, state.WarmStarts);
            again.RestoreState(copy);
            Assert.That(again.Records.Select(r => r.StabilityThreshold), Is.EqualTo(new[] { double.PositiveInfinity }));
        }
    }

    // A field given twice is damage, not a value: the second would silently win.
    [Test]
    public void AStateWithAFieldGivenTwiceIsRefused()
    {
        using var test = Data().Test;
        using var probe = new HeldOutLossProbe(test, 1);
        using var state = new ProbeState(probe.Name,
            System.Text.Json.Nodes.JsonNode.Parse("{\"records\":[{\"step\":0,\"loss\":1,\"loss\":2}]}")!.AsObject());
        var ex = Assert.Throws<ArgumentException>(() => probe.RestoreState(state));
        Assert.That(ex!.Message, Does.StartWith($"The state of the probe '{probe.Name}' cannot be read:"));
        Assert.That(probe.Records, Is.Empty);
    }

    // Found by mutation testing (round 21A): a disposed probe refuses to measure or to capture its state, where it
    // would pass released warm starts on; with the flag never set, it went on as if alive.
    [Test]
    public void ADisposedProbeRefusesToMeasureOrCapture()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        {
            var probe = new HeldOutLossProbe(test, 2);
            probe.Dispose();
            Assert.Throws<ObjectDisposedException>(() => probe.CaptureState());
            Assert.Throws<ObjectDisposedException>(() =>
                Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, MaxSteps = 2 }, new[] { probe }));
            Assert.That(probe.Records, Is.Empty);
            Assert.DoesNotThrow(probe.Dispose, "a second dispose is harmless");
        }
    }

    // Found by mutation testing (round 21A): a restore replaces the warm starts with the state's, even with none; the
    // probe's own vectors from before the restore stayed, and the restored run started warm where the captured one was cold.
    [Test]
    public void ARestoreReplacesTheWarmStartsWithTheStatesEvenWhenItHasNone()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var fresh = new SharpnessProbe(new SharpnessProbeOptions { Every = 2 }))
        using (var probe = new SharpnessProbe(new SharpnessProbeOptions { Every = 2 }))
        {
            using var empty = fresh.CaptureState();
            Assert.That(empty.WarmStarts, Is.Empty);
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, MaxSteps = 2 }, new IProbe[] { probe });
            using (var measured = probe.CaptureState()) Assert.That(measured.WarmStarts, Is.Not.Empty);
            probe.RestoreState(empty);
            using var restored = probe.CaptureState();
            Assert.That(restored.WarmStarts, Is.Empty);
            Assert.That(probe.Records, Is.Empty);
        }
    }

    // A run of no steps has no rate; its final record used to report the previous run's.
    [Test]
    public void ANewRunDoesNotReportThePreviousRunsRate()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new SharpnessProbe(new SharpnessProbeOptions { Every = 5 }))
        {
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, MaxSteps = 3 }, new IProbe[] { probe });
            Assert.That(probe.Records[^1].LearningRate, Is.EqualTo(0.05), "the first run's final record");
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, MaxSteps = 0 }, new IProbe[] { probe });
            Assert.That(probe.Records[^1].Step, Is.EqualTo(0));
            Assert.That(probe.Records[^1].LearningRate, Is.EqualTo(0));
            Assert.That(probe.Records[^1].StabilityThreshold, Is.EqualTo(double.PositiveInfinity));
        }
    }

    // Found by review: a probe that followed a model of another size (or was restored from its state) passed its old
    // eigenvectors to the eigensolver, which refused them at the first step. It now starts cold, as a new probe does.
    [Test]
    public void AProbeThatFollowsAnotherModelStartsCold()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 };
            IProbe[] Probes() => new IProbe[]
            {
                new SharpnessProbe(new SharpnessProbeOptions { Every = 3 }),
                new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Every = 3, Rank = 2 }),
                new CriticalRateProbe(test.Features, new CriticalRateProbeOptions { Every = 3 }),
            };
            var followed = Probes();
            var fresh = Probes();
            try
            {
                using (var small = Nets.TwoLayer(6, 16, seed: 1)) Trainer.Train(small, train, options, followed);
                using (var wide = Nets.TwoLayer(6, 24, seed: 2)) Trainer.Train(wide, train, options, followed);
                using (var wide = Nets.TwoLayer(6, 24, seed: 2)) Trainer.Train(wide, train, options, fresh);
                for (int i = 0; i < fresh.Length; i++)
                    Assert.That(followed[i].ToDataFrame().Rows.Count, Is.EqualTo(2 * fresh[i].ToDataFrame().Rows.Count), fresh[i].Name);
                var wideSharpness = ((SharpnessProbe)followed[0]).Records.Skip(2).Select(r => r.Sharpness);
                Assert.That(wideSharpness, Is.EqualTo(((SharpnessProbe)fresh[0]).Records.Select(r => r.Sharpness)).Within(1e-3).Percent);
            }
            finally
            {
                foreach (var probe in followed.Concat(fresh)) probe.Dispose();
            }
        }
    }

    // Found by review: at a rate that overflows the loss while the weights are still finite, the subspace probe
    // recorded a loss of ∞ and an alignment of NaN; like the other probes it now ends the run as diverged.
    [Test]
    public void TheSubspaceProbeRecordsNoNaN()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Every = 1, Rank = 2 }))
        {
            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 1e18, MaxSteps = 5 }, new IProbe[] { probe });
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
            Assert.That(probe.Records.Select(r => r.Alignment).Concat(probe.Records.Select(r => r.Loss)), Has.All.Matches<double>(double.IsFinite));
        }
    }

    // An exact fit has a zero gradient, where χ_k is undefined: no record, and no divergence (the diff review found the
    // run reported as diverged at step 0).
    [Test]
    public void TheSubspaceProbeLeavesAnExactFitAlone()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Every = 1, Rank = 2 }))
        {
            TorchSharp.torch.Tensor outputs;
            using (TorchSharp.torch.no_grad()) outputs = net.forward(train.Features).detach().clone();
            using var fitted = new TensorDataset(train.Features, outputs, "own outputs");
            var result = Trainer.Train(net, fitted, new TrainingOptions { LearningRate = 0.1, MaxSteps = 3 }, new IProbe[] { probe });
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
            Assert.That(probe.Records, Is.Empty);
        }
    }

    // Found by review: G* of a target function was taken on the first run's inputs and kept for a run on other data.
    [Test]
    public void AnAgopProbeTakesItsTargetsAgopOnEachRunsData()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var followed = new AgopAlignmentProbe(SyntheticTask.Rank2(6), new AgopAlignmentProbeOptions { Every = 5 }))
        using (var fresh = new AgopAlignmentProbe(SyntheticTask.Rank2(6), new AgopAlignmentProbeOptions { Every = 5 }))
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 1 };
            using (var net = Nets.TwoLayer(6, 16, seed: 1)) Trainer.Train(net, train, options, new IProbe[] { followed });
            using (var net = Nets.TwoLayer(6, 16, seed: 1)) Trainer.Train(net, test, options, new IProbe[] { followed });
            using (var net = Nets.TwoLayer(6, 16, seed: 1)) Trainer.Train(net, test, options, new IProbe[] { fresh });
            Assert.That(followed.Records[^2].Alignment, Is.EqualTo(fresh.Records[0].Alignment).Within(1e-12));
        }
    }

    private static string Json(IProbe probe)
    {
        using var state = probe.CaptureState();
        return state.Data["records"]!.ToJsonString().Replace("\"seconds\"", "\"s\"", StringComparison.Ordinal);
    }

    private static IEnumerable<int?> Steps(IProbe probe) => probe.ToDataFrame().Columns["Step"].Cast<int?>();
}
