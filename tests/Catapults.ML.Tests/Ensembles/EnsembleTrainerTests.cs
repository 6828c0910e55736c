using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Ensembles;

public class EnsembleTrainerTests
{
    private static readonly long[] Shape = { 6 };

    private static TensorDataset Data(int n = 40, int d = 6, long seed = 3)
    {
        var (train, test) = SyntheticTask.Rank2(d).CreateSplits(n, 1, seed);
        test.Dispose();
        return train;
    }

    private static NetworkDescription Fcn(string arch = "fcn-2", int width = 24, bool bias = true, Parameterization p = Parameterization.Ntk,
        ActivationKind act = ActivationKind.Relu) =>
        new() { Architecture = arch, Width = width, UseBias = bias, Parameterization = p, Activation = act };

    private static TrainingOptions Sgd(double rate, long shuffle = 0, int steps = 30, OptimizerKind optimizer = OptimizerKind.Sgd) =>
        new() { LearningRate = rate, BatchSize = 5, ShuffleSeed = shuffle, MaxSteps = steps, Optimizer = optimizer };

    private static (TrainingResult Result, double[] Losses, NetworkModule Model) Single(EnsembleMember member, IBatchSource source)
    {
        var model = member.BuildSingle(Shape, 1);
        var log = new RecordingObserver();
        using var trainer = new Trainer(model, member.Training);
        var result = trainer.Run(source, new ITrainingObserver[] { log });
        return (result, log.Records.Select(r => r.BatchLoss).ToArray(), model);
    }

    private static IReadOnlyList<EnsembleMemberResult> Train(IReadOnlyList<EnsembleMember> members, TensorDataset data)
    {
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        return new EnsembleTrainer(ensemble).Run(data);
    }

    private static void AssertClose(IReadOnlyList<double> actual, IReadOnlyList<double> expected, double rtol, string what)
    {
        Assert.That(actual.Count, Is.EqualTo(expected.Count), $"{what}: steps");
        for (int t = 0; t < actual.Count; t++)
            Assert.That(actual[t], Is.EqualTo(expected[t]).Within(rtol * Math.Abs(expected[t]) + 1e-7), $"{what}: step {t}");
    }

    public static IEnumerable<TestCaseData> Architectures()
    {
        yield return new TestCaseData(Fcn(), null).SetName("Fcn2NtkWithBiases");
        yield return new TestCaseData(Fcn("fcn-3", 16, bias: true, Parameterization.Standard, ActivationKind.Tanh), null).SetName("Fcn3StandardTanh");
        yield return new TestCaseData(Fcn("fcn-2", 32, bias: false, Parameterization.MeanField), new double?[] { 0.1, 1.0, 10.0, 3.0 }).SetName("CentredMeanFieldAcrossGamma");
    }

    [TestCaseSource(nameof(Architectures))]
    public void EveryMemberReproducesItsSingleRun(NetworkDescription network, double?[]? gammas)
    {
        using var data = Data();
        double scale = network.Parameterization == Parameterization.MeanField ? 8 : 1;
        var members = new[]
        {
            new EnsembleMember(network, Sgd(0.05 * scale, shuffle: 0), Seed: 1, gammas?[0]),
            new EnsembleMember(network, Sgd(0.2 * scale, shuffle: 5), Seed: 2, gammas?[1]),
            new EnsembleMember(network, Sgd(0.1 * scale, shuffle: 5, steps: 17), Seed: 2, gammas?[2]),
            new EnsembleMember(network, Sgd(0.05 * scale, shuffle: 9, optimizer: OptimizerKind.Momentum), Seed: 4, gammas?[3]),
        };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        var results = new EnsembleTrainer(ensemble).Run(data);
        SingleRunAgreement.AssertMembersMatch(ensemble, results, data);
    }

    // The update is fused into the backward: plain SGD with weight decay as W ← (1 − ηλ)W − η∇, momentum with the gradient
    // accumulated straight into its buffer. Width 24 updates every layer through the batched product; width 3000 puts the
    // first layer (3000 × 6 weights per member) above the in-place threshold, so it is updated member by member.
    [TestCase(24, false, TestName = "WeightDecayWithoutMomentumSmallLayers")]
    [TestCase(3000, false, TestName = "WeightDecayWithoutMomentumWideFirstLayer")]
    [TestCase(24, true, TestName = "MomentumAndWeightDecaySmallLayers")]
    [TestCase(3000, true, TestName = "MomentumAndWeightDecayWideFirstLayer")]
    public void FusedUpdatesReproduceTheSingleRuns(int width, bool momentum)
    {
        using var data = Data();
        var net = Fcn(width: width);
        static OptimizerOptions Settings(double decay, double mu = 0.9) => new() { WeightDecay = decay, Momentum = mu };
        var members = new List<EnsembleMember>
        {
            new(net, Sgd(0.1, shuffle: 1, steps: 20) with { OptimizerSettings = Settings(0.05) }, Seed: 1),
            new(net, Sgd(0.2, shuffle: 2, steps: 20), Seed: 2),
        };
        if (momentum)
        {
            members.Add(new(net, Sgd(0.05, shuffle: 3, steps: 20, optimizer: OptimizerKind.Momentum), Seed: 3));
            members.Add(new(net, Sgd(0.05, shuffle: 4, steps: 20, optimizer: OptimizerKind.Momentum) with { OptimizerSettings = Settings(0.1, 0.5) }, Seed: 4));
        }
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        var results = new EnsembleTrainer(ensemble).Run(data);
        SingleRunAgreement.AssertMembersMatch(ensemble, results, data);
    }

    [Test]
    public void ChangingOneMembersRateAndSeedLeavesTheOthersBitIdentical()
    {
        using var data = Data();
        var net = Fcn();
        EnsembleMember[] Members(double middleRate, long middleSeed) => new[]
        {
            new EnsembleMember(net, Sgd(0.1, shuffle: 1), 1),
            new EnsembleMember(net, Sgd(middleRate, shuffle: middleSeed), middleSeed),
            new EnsembleMember(net, Sgd(0.3, shuffle: 2), 2),
        };
        var before = Train(Members(0.1, 7), data);
        var after = Train(Members(0.4, 8), data);
        Assert.That(after[1].BatchLosses, Is.Not.EqualTo(before[1].BatchLosses), "the changed member itself must change");
        foreach (int i in new[] { 0, 2 })
        {
            Assert.That(after[i].BatchLosses, Is.EqualTo(before[i].BatchLosses), $"member {i}");
            Assert.That(after[i].Result.FinalTrainingLoss, Is.EqualTo(before[i].Result.FinalTrainingLoss), $"member {i}");
        }
    }

    [Test]
    public void ADivergingMemberStopsAloneAndTheOthersFinishAsWithoutIt()
    {
        using var data = Data();
        var net = Fcn();
        var calm = new[] { new EnsembleMember(net, Sgd(0.1, shuffle: 1), 1), new EnsembleMember(net, Sgd(0.2, shuffle: 2), 2) };
        var wild = new EnsembleMember(net, Sgd(500, shuffle: 3), 3);
        var with = Train(new[] { calm[0], wild, calm[1] }, data);
        var without = Train(calm, data);

        Assert.That(with[1].Result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(with[1].Result.Divergence!.Reason, Does.Contain("batch loss"));
        var (single, singleLosses, model) = Single(wild, new EpochBatchSource(data, 5, 3));
        model.Dispose();
        Assert.That(single.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(with[1].Result.Divergence!.Step, Is.EqualTo(single.Divergence!.Step), "divergence step as in the single run");
        Assert.That(with[1].Result.Steps, Is.EqualTo(single.Steps));
        Assert.That(with[1].Result.Divergence!.Step, Is.LessThan(30));
        // The losses of the steps it took, as the single run's: the loss that exposed it is its DivergenceInfo's.
        Assert.That(with[1].BatchLosses, Has.Count.EqualTo(single.Steps));
        AssertClose(with[1].BatchLosses, singleLosses, 1e-4, "the diverging member");
        for (int k = 0; k < 2; k++)
        {
            var w = with[k == 0 ? 0 : 2];
            Assert.That(w.Result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
            Assert.That(w.Result.Steps, Is.EqualTo(30));
            AssertClose(w.BatchLosses, without[k].BatchLosses, 1e-6, $"calm member {k}");
            Assert.That(w.Result.FinalTrainingLoss!.Value, Is.EqualTo(without[k].Result.FinalTrainingLoss!.Value).Within(1e-6 * without[k].Result.FinalTrainingLoss!.Value));
        }
    }

    // Found by mutation testing (5 Dec 2026): judging every member against member 0's first loss passed the test above,
    // whose diverging member overshoots any reference. With a factor of 1.2, members whose first losses differ stop
    // where their own single runs stop, or run on as those do.
    [Test]
    public void EachMemberIsJudgedAgainstItsOwnFirstLoss()
    {
        using var data = Data();
        var net = Fcn(p: Parameterization.Standard);
        var members = Enumerable.Range(0, 4).Select(i => new EnsembleMember(net, Sgd(0.05, shuffle: i + 1) with { DivergenceFactor = 1.2 }, 11 + 7 * i)).ToList();
        var results = Train(members, data);
        var outcomes = new List<TrainingOutcome>();
        for (int i = 0; i < members.Count; i++)
        {
            var (single, _, model) = Single(members[i], new EpochBatchSource(data, 5, i + 1));
            model.Dispose();
            Assert.That(results[i].Result.Outcome, Is.EqualTo(single.Outcome), $"member {i}");
            Assert.That(results[i].Result.Steps, Is.EqualTo(single.Steps), $"member {i}");
            outcomes.Add(single.Outcome);
        }
        Assert.That(outcomes, Does.Contain(TrainingOutcome.Diverged).And.Contain(TrainingOutcome.BudgetReached), "the factor must separate the members");
    }

    [Test]
    public void CriticalRatesAndAgopAlignmentsMatchEachMembersOwnModel()
    {
        using var data = Data();
        var mf = Fcn("fcn-2", 32, bias: false, Parameterization.MeanField);
        var members = new[]
        {
            new EnsembleMember(mf, Sgd(1.0, steps: 10), 1, 0.3),
            new EnsembleMember(mf, Sgd(2.0, steps: 10), 2, 3.0),
            new EnsembleMember(mf, Sgd(0.5, steps: 10), 5, 1.0),
        };
        using var x = data.Features.narrow(0, 0, 8);
        // The measurements need active members, so they run on a fresh ensemble at the initial weights here (the
        // observer test below checks them during training).
        using var live = new FullyConnectedEnsemble(members, Shape, 1);
        var rates = EnsembleMeasurements.CriticalRates(live, x);
        var reference = ReferenceAgop.Rank2(6);
        // A centred member's predictor (f_w − f_w₀)/γ is 0 everywhere at its initial weights: its AGOP is exactly zero
        // and no alignment is defined.
        Assert.That(EnsembleMeasurements.AgopAlignments(live, x, reference), Is.EqualTo(new double?[] { null, null, null }));
        using (var zero = EnsembleMeasurements.Agops(live, x)) Assert.That(zero.abs().max().ToDouble(), Is.Zero);
        for (int i = 0; i < members.Length; i++)
        {
            using var single = members[i].BuildSingle(Shape, 1);
            double expected = CriticalLearningRate.Compute(single, x).Value;
            Assert.That(rates[i], Is.EqualTo(expected).Within(1e-4 * expected), $"member {i} η_crit at initialisation");
        }
        Assert.That(rates.Distinct().Count(), Is.EqualTo(3), "γ changes η_crit, so three members give three rates");

        // After training, each member's alignment is that of its own single run, whose AGOP is checked against input
        // gradients of (f_w − f_w₀)/γ taken through the two component networks.
        var check = new AlignmentCheck(x, reference, step: 8);
        new EnsembleTrainer(live).Run(data, check);
        Assert.That(check.Checked, Is.EqualTo(3));
    }

    // At one step, each active member's alignment against its extracted single model, whose AGOP is checked against
    // input gradients of (f_w − f_w₀)/γ taken through the live and initial networks' own forward passes (one output).
    private sealed class AlignmentCheck(Tensor x, Tensor reference, int step) : IEnsembleObserver
    {
        public int Checked { get; private set; }

        public void OnBeforeStep(int at, FullyConnectedEnsemble ensemble)
        {
            if (at != step) return;
            var alignments = EnsembleMeasurements.AgopAlignments(ensemble, x, reference);
            for (int p = 0; p < alignments.Length; p++)
            {
                using var single = (CenteredNetwork)ensemble.ExtractMember(ensemble.ActiveMembers[p]);
                using var scope = torch.NewDisposeScope();
                var agop = Agop.Compute(single, x);
                using (var enable = torch.enable_grad())
                {
                    var input = x.detach().clone().requires_grad_(true);
                    var f = (single.Network.forward(input) - single.InitialNetwork.forward(input)) / single.Gamma;
                    var grad = torch.autograd.grad(new[] { f.sum() }, new[] { input })[0].to_type(ScalarType.Float64);
                    TensorAssert.AllClose(agop, torch.mm(grad.t(), grad) / x.shape[0], 1e-5, 1e-9, $"member {p}: AGOP of the centred predictor");
                }
                Assert.That(alignments[p], Is.EqualTo(AgopAlignment.Cosine(agop, reference)).Within(1e-4), $"member {p} alignment at step {step}");
                Checked++;
            }
        }

        public void OnMembersFinished(IReadOnlyList<int> members, IReadOnlyList<TrainingResult> results, FullyConnectedEnsemble ensemble) { }
    }

    [Test]
    public void CriticalRatesDuringTrainingMatchTheExtractedMembers()
    {
        using var data = Data();
        var net = Fcn();
        var members = new[] { new EnsembleMember(net, Sgd(0.1, steps: 12), 1), new EnsembleMember(net, Sgd(0.3, shuffle: 4, steps: 12), 2) };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        var observer = new CriticalRateObserver(data.Features.narrow(0, 0, 5), 5, 10);
        new EnsembleTrainer(ensemble).Run(data, observer);
        Assert.That(observer.Checked, Is.EqualTo(4), "steps 5 and 10, two members each");
    }

    [Test]
    public void TrainingWithDivergenceAndMomentumLeaksNoTensors()
    {
        using var data = Data();
        var net = Fcn();
        var members = new[]
        {
            new EnsembleMember(net, Sgd(0.1, steps: 8, optimizer: OptimizerKind.Momentum), 1),
            new EnsembleMember(net, Sgd(500, steps: 8, optimizer: OptimizerKind.Momentum), 2),
            new EnsembleMember(net, Sgd(0.2, shuffle: 3, steps: 5), 3),
        };
        void Run()
        {
            using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
            using var x = data.Features.narrow(0, 0, 5);
            Assert.That(EnsembleMeasurements.CriticalRates(ensemble, x), Has.Length.EqualTo(3));
            using (var g = EnsembleMeasurements.Agops(ensemble, x)) Assert.That(g.shape[0], Is.EqualTo(3));
            var results = new EnsembleTrainer(ensemble).Run(data);
            Assert.That(results[1].Result.Diverged, Is.True);
            Assert.That(EnsembleMeasurements.CriticalRates(ensemble, x), Is.Empty, "every member has stopped");
            using var m = ensemble.ExtractMember(1);
        }
        TensorAssert.NoLeak(Run, () => { for (int i = 0; i < 3; i++) Run(); }, "ensemble training");
    }

    [Test]
    public void BadMembersAreRejectedNamingTheOption()
    {
        using var data = Data();
        var net = Fcn();
        var ok = new EnsembleMember(net, Sgd(0.1), 1);
        var ex = Assert.Throws<ArgumentException>(() => new FullyConnectedEnsemble(new[] { ok, ok with { Network = net with { Width = 8 } } }, Shape, 1));
        Assert.That(ex!.Message, Does.Contain("Member 1").And.Contain("Network"));
        ex = Assert.Throws<ArgumentException>(() => new FullyConnectedEnsemble(new[] { ok, ok with { Network = net with { Architecture = "cnn-2" } } }, Shape, 1));
        Assert.That(ex!.Message, Does.Contain("Network.Architecture"));
        ex = Assert.Throws<ArgumentException>(() => new FullyConnectedEnsemble(new[] { ok, ok with { Gamma = 2.0 } }, Shape, 1));
        Assert.That(ex!.Message, Does.Contain("Gamma"));
        using var ensemble = new FullyConnectedEnsemble(new[] { ok, ok with { Training = Sgd(0.1) with { Optimizer = OptimizerKind.Adam } } }, Shape, 1);
        ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble));
        Assert.That(ex!.Message, Does.Contain("Member 1").And.Contain("Training.Optimizer"));
        using var mixed = new FullyConnectedEnsemble(new[] { ok, ok with { Training = Sgd(0.1) with { BatchSize = 4 } } }, Shape, 1);
        ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(mixed).Run(data));
        Assert.That(ex!.Message, Does.Contain("Member 1").And.Contain("BatchSize"));
        // A live schedule cannot say which rates a member ran at, which its result must.
        using var live = new FullyConnectedEnsemble(new[] { ok, ok with { Training = Sgd(0.1) with { Schedule = new AdjustableSchedule(0.1) } } }, Shape, 1);
        ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(live));
        Assert.That(ex!.Message, Does.StartWith("Member 1: Training.Schedule cannot be an AdjustableSchedule"));
    }

    // Mutation round 21C: without members there is no member 0 to compare the others with; the message says so.
    [Test]
    public void AnEnsembleWithoutMembersIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FullyConnectedEnsemble(Array.Empty<EnsembleMember>(), Shape, 1));
        Assert.That(ex!.Message, Does.StartWith("An ensemble needs at least one member."));
        Assert.That(ex.ParamName, Is.EqualTo("members"));
    }

    [TestCase(0)]
    [TestCase(1)]
    public void ANullMemberIsNamedWhereverItStands(int position)
    {
        var members = new EnsembleMember?[] { new(Fcn(), Sgd(0.1), 1), new(Fcn(), Sgd(0.1), 2) };
        members[position] = null;
        var ex = Assert.Throws<ArgumentException>(() => new FullyConnectedEnsemble(members!, Shape, 1));
        Assert.That(ex!.Message, Does.StartWith($"Member {position} is null."));
    }

    [Test]
    public void AMembersInvalidOptionNamesTheParameterOnce()
    {
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(double.NaN), 1) }, Shape, 1);
        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble));
        Assert.That(ex!.Message, Is.EqualTo("Member 0: LearningRate must be finite and positive, got NaN. (Parameter 'LearningRate')"));
    }

    [Test]
    public void AnOnlineMemberWhoseLastUpdateBreaksItsWeightsDiverges()
    {
        // Targets of 100 give gradients of about 200, which member 1's last rate (finite in float32) turns into
        // overflowing updates; no later batch loss shows it.
        var stream = new OnlineBatchSource((n, g) => new TensorDataset(randn(new long[] { n, 6 }, generator: g), full(n, 1, 100f)), 5, seed: 1);
        var breaking = Sgd(0.01, steps: 3) with { Schedule = new MilestoneSchedule(0.01, new[] { (2, 1e37) }) };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(0.01, steps: 3), 1), new EnsembleMember(Fcn(), breaking, 2) }, Shape, 1);
        var results = new EnsembleTrainer(ensemble).Run(new IBatchSource[] { stream, stream });
        Assert.That(results[0].Result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        Assert.That(results[1].Result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(results[1].Result.Steps, Is.EqualTo(3));
        Assert.That(results[1].Result.Divergence!.Step, Is.EqualTo(3));
        Assert.That(results[1].Result.Divergence!.Reason, Does.StartWith("the final weights are not finite"));
    }

    // Found by mutation testing (round 18A): the final weights checked for a member that ran out of budget on a stream
    // were those at its index among the members finishing, not among the members still active. Member 1's last rate
    // (finite in float32) breaks its weights at its last step while member 0 trains on: member 1 must still be told apart.
    [Test]
    public void AnOnlineMemberThatBreaksItsWeightsDivergesWhileAnEarlierMemberTrainsOn()
    {
        var stream = new OnlineBatchSource((n, g) => new TensorDataset(randn(new long[] { n, 6 }, generator: g), full(n, 1, 100f)), 5, seed: 1);
        var breaking = Sgd(0.01, steps: 3) with { Schedule = new MilestoneSchedule(0.01, new[] { (2, 1e37) }) };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(0.01, steps: 5), 1), new EnsembleMember(Fcn(), breaking, 2) }, Shape, 1);
        var results = new EnsembleTrainer(ensemble).Run(new IBatchSource[] { stream, stream });
        Assert.That(results[0].Result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        Assert.That(results[0].Result.Steps, Is.EqualTo(5));
        Assert.That(results[1].Result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(results[1].Result.Divergence!.Step, Is.EqualTo(3));
        Assert.That(results[1].Result.Divergence!.Reason, Does.StartWith("the final weights are not finite"));
    }

    // Found by mutation testing (round 18A): a rate that is finite as a double but overflows float32 (1e39) ends the
    // member's run as the single trainer ends it, with the last finite loss of that member's own steps, also after an
    // earlier member has left (so that its position among the active members is not its index), and at an epoch's end
    // with the epochs it began (8 steps of 8 per epoch: one, not two).
    [Test]
    public void ARateBeyondFloat32EndsTheMemberAsItsSingleRunWithItsOwnLastLoss()
    {
        using var data = Data();
        var overflowing = Sgd(0.05, shuffle: 2, steps: 10) with { Schedule = new MilestoneSchedule(0.05, new[] { (8, 1e39) }) };
        var members = new[] { new EnsembleMember(Fcn(), Sgd(0.05, shuffle: 1, steps: 2), 1), new EnsembleMember(Fcn(), overflowing, 2) };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        var results = new EnsembleTrainer(ensemble).Run(data);
        var (single, singleLosses, model) = Single(members[1], new EpochBatchSource(data, 5, 2));
        model.Dispose();
        Assert.That(single.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        var mine = results[1].Result;
        Assert.That(mine.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(mine.Steps, Is.EqualTo(8));
        Assert.That(mine.Epochs, Is.EqualTo(single.Epochs), "the epochs begun, as the single run counts them");
        Assert.That(mine.Epochs, Is.EqualTo(1), "8 steps of 8 per epoch");
        Assert.That(mine.Divergence!.Step, Is.EqualTo(single.Divergence!.Step));
        Assert.That(mine.Divergence.Reason, Is.EqualTo(single.Divergence.Reason));
        Assert.That(mine.Divergence.Reason, Does.Contain("not a finite float32 number"));
        Assert.That(mine.Divergence.OffendingLoss, Is.Null);
        Assert.That(results[1].BatchLosses, Has.Count.EqualTo(8));
        Assert.That(mine.Divergence.LastFiniteLoss, Is.EqualTo(results[1].BatchLosses[7]), "member 1's own loss at step 7");
        Assert.That(mine.Divergence.LastFiniteLoss!.Value, Is.EqualTo(singleLosses[7]).Within(SingleRunAgreement.Tolerance * singleLosses[7]));
    }

    // Found by mutation testing (round 18A): members with other batch sizes, or sources that do not match the members,
    // are refused before any step with the member, both sizes and the counts named.
    [Test]
    public void SourcesThatDoNotFitTheMembersAreRefusedByName()
    {
        using var data = Data();
        var members = new[] { new EnsembleMember(Fcn(), Sgd(0.1), 1), new EnsembleMember(Fcn(), Sgd(0.1) with { BatchSize = 4 }, 2) };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(data));
        Assert.That(ex!.Message, Does.StartWith("Member 1: Training.BatchSize must match member 0's (5) so the members' batches stack, got 4."));
        Assert.That(ex.ParamName, Is.EqualTo("sources"));
        ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(new IBatchSource[] { new EpochBatchSource(data, 5, 0) }));
        Assert.That(ex!.Message, Does.StartWith("The ensemble has 2 members but 1 batch sources were given."));
        Assert.That(ensemble.ActiveMembers, Has.Count.EqualTo(2), "nothing was trained");
    }

    [Test]
    public void ADatasetOfOtherInputFeaturesIsRefusedNamingBothCounts()
    {
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(0.1), 1) }, Shape, 1);
        using var narrow = new TensorDataset(randn(40, 5), randn(40, 1), "narrow");
        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(narrow));
        Assert.That(ex!.Message, Does.StartWith("Member 0: the model expects 6 input features but narrow has 5."));
    }

    // Records every OnMembersFinished call: the members, their results, and which of them were still active then.
    private sealed class FinishLog : IEnsembleObserver
    {
        public List<(int[] Members, TrainingResult[] Results, bool[] StillActive)> Calls { get; } = new();

        public void OnBeforeStep(int step, FullyConnectedEnsemble ensemble) { }

        public void OnMembersFinished(IReadOnlyList<int> members, IReadOnlyList<TrainingResult> results, FullyConnectedEnsemble ensemble) =>
            Calls.Add((members.ToArray(), results.ToArray(), members.Select(m => ensemble.ActiveMembers.Contains(m)).ToArray()));
    }

    // Found by mutation testing (round 18A): the observer must hear of every member once, when it stops, with the result
    // the run returns for it; a member that reached its budget is still active there, at its final weights.
    [Test]
    public void TheObserverHearsOfEachMemberOnceWhenItStops()
    {
        using var data = Data();
        var net = Fcn();
        var members = new[]
        {
            new EnsembleMember(net, Sgd(0.1, shuffle: 1, steps: 20), 1),
            new EnsembleMember(net, Sgd(500, shuffle: 3), 3),
            new EnsembleMember(net, Sgd(0.1, shuffle: 2, steps: 10), 2),
        };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        var log = new FinishLog();
        var results = new EnsembleTrainer(ensemble).Run(data, log);
        Assert.That(results[1].Result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(log.Calls.SelectMany(c => c.Members).OrderBy(m => m), Is.EqualTo(new[] { 0, 1, 2 }), "each member once");
        Assert.That(log.Calls.Select(c => results[c.Members[0]].Result.Steps), Is.Ordered, "in the order they stopped");
        foreach (var (finished, reported, active) in log.Calls)
            for (int k = 0; k < finished.Length; k++)
            {
                var result = results[finished[k]].Result;
                Assert.That(reported[k].Outcome, Is.EqualTo(result.Outcome), $"member {finished[k]}");
                Assert.That(reported[k].Steps, Is.EqualTo(result.Steps), $"member {finished[k]}");
                Assert.That(reported[k].FinalTrainingLoss, Is.EqualTo(result.FinalTrainingLoss), $"member {finished[k]}");
                if (result.Outcome == TrainingOutcome.BudgetReached) Assert.That(active[k], Is.True, $"member {finished[k]} is measurable at its final weights");
            }
    }

    // IEnsembleObserver.OnMembersFinished says diverged members are no longer active in the ensemble it is given; the
    // trainer reports them before it removes them.
    [Test]
    public void ADivergedMemberIsNoLongerActiveWhenTheObserverHearsOfIt()
    {
        using var data = Data();
        var net = Fcn();
        var members = new[] { new EnsembleMember(net, Sgd(0.1, shuffle: 1, steps: 10), 1), new EnsembleMember(net, Sgd(500, shuffle: 3), 3) };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        var log = new FinishLog();
        new EnsembleTrainer(ensemble).Run(data, log);
        Assert.That(log.Calls[0].Members, Is.EqualTo(new[] { 1 }));
        Assert.That(log.Calls[0].StillActive, Is.EqualTo(new[] { false }));
    }

    // The same promise for a member that the final check finds diverged (its last update broke its weights on a stream):
    // it has left before the observer hears of it, while the member finishing beside it within budget is still there (mutation round 21C).
    [Test]
    public void AMemberFoundDivergedAtItsFinalWeightsIsNoLongerActiveWhenTheObserverHearsOfIt()
    {
        var stream = new OnlineBatchSource((n, g) => new TensorDataset(randn(new long[] { n, 6 }, generator: g), full(n, 1, 100f)), 5, seed: 1);
        var breaking = Sgd(0.01, steps: 3) with { Schedule = new MilestoneSchedule(0.01, new[] { (2, 1e37) }) };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(0.01, steps: 3), 1), new EnsembleMember(Fcn(), breaking, 2) }, Shape, 1);
        var log = new FinishLog();
        var results = new EnsembleTrainer(ensemble).Run(new IBatchSource[] { stream, stream }, log);
        Assert.That(results[1].Result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(log.Calls, Has.Count.EqualTo(1));
        Assert.That(log.Calls[0].Members, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(log.Calls[0].StillActive, Is.EqualTo(new[] { true, false }), "the budget's member stays to be measured, the diverged one has left");
    }

    // Cancels the run's token before the given step.
    private sealed class CancelAt(CancellationTokenSource source, int step) : IEnsembleObserver
    {
        public void OnBeforeStep(int at, FullyConnectedEnsemble ensemble)
        {
            if (at == step) source.Cancel();
        }

        public void OnMembersFinished(IReadOnlyList<int> members, IReadOnlyList<TrainingResult> results, FullyConnectedEnsemble ensemble) { }
    }

    // Found by mutation testing (round 18A): a cancelled run ends every member still training as Cancelled, at the next
    // step's start (the step under way completes), with its final training loss; a member that had already stopped
    // keeps its own outcome.
    [Test]
    public void CancellingEndsEveryMemberStillTrainingAsCancelled()
    {
        using var data = Data();
        var net = Fcn();
        var members = new[]
        {
            new EnsembleMember(net, Sgd(0.1, shuffle: 1), 1),
            new EnsembleMember(net, Sgd(0.1, shuffle: 2, steps: 2), 2),
            new EnsembleMember(net, Sgd(0.2, shuffle: 3), 3),
        };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        using var cancel = new CancellationTokenSource();
        var results = new EnsembleTrainer(ensemble).Run(data, new CancelAt(cancel, 3), cancel.Token);
        Assert.That(results.Select(r => (r.Result.Outcome, r.Result.Steps)), Is.EqualTo(new[]
        {
            (TrainingOutcome.Cancelled, 4), (TrainingOutcome.BudgetReached, 2), (TrainingOutcome.Cancelled, 4),
        }));
        Assert.That(results[0].BatchLosses, Has.Count.EqualTo(4));
        Assert.That(ensemble.ActiveMembers, Is.Empty);
        foreach (int i in new[] { 0, 2 })
        {
            using var single = ensemble.ExtractMember(i);
            double expected = Losses.Evaluate(single, data, LossKind.MeanSquaredError);
            Assert.That(results[i].Result.FinalTrainingLoss!.Value, Is.EqualTo(expected).Within(1e-5 * expected), $"member {i}: the loss at its weights after 4 steps");
        }
    }

    [Test]
    public void MaxEpochsAloneIsRefusedOnASourceWithoutEpochs()
    {
        var epochsOnly = new TrainingOptions { LearningRate = 0.1, BatchSize = 5, MaxEpochs = 1 };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(0.1), 1), new EnsembleMember(Fcn(), epochsOnly, 2) }, Shape, 1);
        var stream = OnlineBatchSource.ForTask(SyntheticTask.Rank2(6), 5, seed: 1);
        // The old loop never stopped the member; the token bounds the test instead of hanging it.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(new IBatchSource[] { stream, stream }, null, cancel.Token));
        Assert.That(ex!.Message, Does.StartWith("Member 1: MaxEpochs").And.Contain("no epochs").And.Contain("MaxSteps"));
        Assert.That(ensemble.ActiveMembers, Has.Count.EqualTo(2), "nothing was trained");
    }

    [Test]
    public void MembersWhoseEpochsEndWithOtherBatchSizesAreRefusedBeforeTraining()
    {
        // n = 23, b = 5: Drop gives 4 full batches an epoch, Keep 4 and then 3, so at step 4 the batches would not stack.
        using var data = Data(n: 23);
        TrainingOptions Epochs(PartialBatchPolicy policy) => new() { LearningRate = 0.1, BatchSize = 5, MaxEpochs = 3, LastPartialBatch = policy };
        using (var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Epochs(PartialBatchPolicy.Drop), 1), new EnsembleMember(Fcn(), Epochs(PartialBatchPolicy.Keep), 2) }, Shape, 1))
        {
            using var before = ensemble.Parameters[0].clone();
            var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(data));
            Assert.That(ex!.Message, Does.StartWith("Member 1: its batches do not stack with member 0's from step 4 on: each epoch of 5 steps ends with a batch of 3, against every batch holds 5.")
                .And.Contain("Training.LastPartialBatch"));
            Assert.That(ensemble.Parameters[0].allclose(before, rtol: 0, atol: 0), Is.True, "no step was taken");
        }
        // Keep over datasets of other sizes (23 and 24: last batches of 3 and 4) is refused as well; over one size it trains.
        using var other = Data(n: 24, seed: 4);
        var keep = new[] { new EnsembleMember(Fcn(), Epochs(PartialBatchPolicy.Keep), 1), new EnsembleMember(Fcn(), Epochs(PartialBatchPolicy.Keep), 2) };
        using (var ensemble = new FullyConnectedEnsemble(keep, Shape, 1))
        {
            var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(new IBatchSource[]
                { new EpochBatchSource(data, 5, 0, PartialBatchPolicy.Keep), new EpochBatchSource(other, 5, 0, PartialBatchPolicy.Keep) }));
            Assert.That(ex!.Message, Does.Contain("a batch of 4, against each epoch of 5 steps ends with a batch of 3"));
        }
        using (var ensemble = new FullyConnectedEnsemble(keep, Shape, 1))
            Assert.That(new EnsembleTrainer(ensemble).Run(data).Select(r => r.Result.Steps), Is.EqualTo(new[] { 15, 15 }));

        // Budgets that end before the first partial step never meet it, so Drop beside Keep trains.
        var shortRuns = new[] { new EnsembleMember(Fcn(), Epochs(PartialBatchPolicy.Drop) with { MaxSteps = 4 }, 1), new EnsembleMember(Fcn(), Epochs(PartialBatchPolicy.Keep) with { MaxSteps = 4 }, 2) };
        using (var ensemble = new FullyConnectedEnsemble(shortRuns, Shape, 1))
            Assert.That(new EnsembleTrainer(ensemble).Run(data).Select(r => r.Result.Steps), Is.EqualTo(new[] { 4, 4 }));

        // A stream's batches are all full, so beside a dataset whose epochs end with 3 samples it is refused too.
        var streamAndData = new[] { new EnsembleMember(Fcn(), Sgd(0.1, steps: 10), 1), new EnsembleMember(Fcn(), Sgd(0.1, steps: 10), 2) };
        using (var ensemble = new FullyConnectedEnsemble(streamAndData, Shape, 1))
        {
            var stream = OnlineBatchSource.ForTask(SyntheticTask.Rank2(6), 5, seed: 1);
            var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(new IBatchSource[] { new EpochBatchSource(data, 5, 0, PartialBatchPolicy.Keep), stream }));
            Assert.That(ex!.Message, Does.StartWith("Member 1: its batches do not stack with member 0's from step 4 on: every batch holds 5"));
        }
    }

    // An epoch whose last batch is exactly full ends like a stream's batches: n = 10 in batches of 5 beside a stream
    // stacks at every step, so it trains (mutation round 13A).
    [Test]
    public void ADatasetOfWholeBatchesStacksBesideAStream()
    {
        using var data = Data(n: 10);
        var members = new[] { new EnsembleMember(Fcn(), Sgd(0.1, steps: 4), 1), new EnsembleMember(Fcn(), Sgd(0.1, steps: 4), 2) };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        var stream = OnlineBatchSource.ForTask(SyntheticTask.Rank2(6), 5, seed: 1);
        var results = new EnsembleTrainer(ensemble).Run(new IBatchSource[] { new EpochBatchSource(data, 5, 0, PartialBatchPolicy.Keep), stream });
        Assert.That(results.Select(r => (r.Result.Outcome, r.Result.Steps)),
            Is.EqualTo(new[] { (TrainingOutcome.BudgetReached, 4), (TrainingOutcome.BudgetReached, 4) }));
    }

    [Test]
    public void AgopsThatCannotFitAreRefusedBeforeTheyAreAllocated()
    {
        // Two members on 60,000 features: 2 × 60,000² float64 sums, about 115 GB with the product beside them.
        var members = new[] { new EnsembleMember(Fcn(width: 2), Sgd(0.1), 1), new EnsembleMember(Fcn(width: 2), Sgd(0.1), 2) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 60_000 }, 1);
        using var x = torch.ones(2, 60_000);
        var ex = Assert.Throws<ArgumentException>(() => EnsembleMeasurements.Agops(ensemble, x));
        Assert.That(ex!.Message, Does.StartWith("An AGOP per member on 60,000 input features (2 matrices of 60,000 × 60,000) needs about"));
    }

    [Test]
    public void AnEnsembleWhoseRunStoppedPartWayIsNotTrainedAgain()
    {
        using var data = Data();
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(0.1), 1), new EnsembleMember(Fcn(), Sgd(0.1), 2) }, Shape, 1);
        var failing = new FailingAt(3, new EpochBatchSource(data, 5, 0));
        Assert.Throws<InvalidOperationException>(() => new EnsembleTrainer(ensemble).Run(new IBatchSource[] { failing, failing }));
        Assert.That(ensemble.ActiveMembers, Has.Count.EqualTo(2), "no member finished");
        var ex = Assert.Throws<InvalidOperationException>(() => new EnsembleTrainer(ensemble).Run(data));
        Assert.That(ex!.Message, Does.StartWith("The ensemble has already been trained"));
    }

    // Members removed with Keep before any step have no run to report: the trainer refuses the ensemble, as one whose
    // run stopped part-way, instead of training the rest (mutation round 21C).
    [Test]
    public void AnEnsembleWithMembersKeptOutBeforeAnyStepIsNotTrained()
    {
        using var data = Data();
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(0.1), 1), new EnsembleMember(Fcn(), Sgd(0.1), 2) }, Shape, 1);
        ensemble.Keep(new[] { 1 });
        var ex = Assert.Throws<InvalidOperationException>(() => new EnsembleTrainer(ensemble).Run(data));
        Assert.That(ex!.Message, Does.StartWith("The ensemble has already been trained"));
        Assert.That(ensemble.ActiveMembers, Is.EqualTo(new[] { 1 }), "nothing was trained");
    }

    // A source that breaks at one step, as a stream whose batches stop fitting would.
    private sealed class FailingAt(int step, IBatchSource inner) : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int? StepsPerEpoch => null;
        public int BatchSize => inner.BatchSize;
        public Batch BatchAt(int at) => at == step ? throw new InvalidOperationException($"no batch at step {at}") : inner.BatchAt(at);
        public Batch BatchesAt(int at, int count) => at + count > step && at <= step ? throw new InvalidOperationException($"no batch at step {step}") : inner.BatchesAt(at, count);
    }

    [Test]
    public void TargetsThatDoNotFitTheOutputsAreRefusedBeforeTraining()
    {
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(0.1), 1) }, Shape, 1);
        using var classes = new TensorDataset(randn(40, 6), zeros(40, ScalarType.Int64), "classes");
        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(classes));
        Assert.That(ex!.Message, Does.StartWith("Member 0: the targets of classes are [40] Int64; the ensemble needs float32 targets [n, 1] (squared loss)."));
        using var wide = new TensorDataset(randn(40, 6), randn(40, 3), "wide");
        ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(wide));
        Assert.That(ex!.Message, Does.StartWith("Member 0: the targets of wide are [40, 3] Float32; the ensemble needs float32 targets [n, 1]"));
        Assert.That(ensemble.ActiveMembers, Has.Count.EqualTo(1), "nothing was trained");
    }

    // One-dimensional targets are one output's: beside three outputs they would broadcast over all of them, so a
    // stream's batch of them is refused (a dataset cannot hold float targets [n]) (mutation round 13A).
    [Test]
    public void VectorTargetsAreRefusedForSeveralOutputs()
    {
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(0.1), 1) }, Shape, 3);
        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(new IBatchSource[] { new VectorTargets() }));
        Assert.That(ex!.Message, Does.StartWith("Member 0: the batch targets are [5] Float32; the ensemble needs float32 targets [n, 3] (squared loss)."));
        Assert.That(ensemble.ActiveMembers, Has.Count.EqualTo(1), "nothing was trained");
    }

    private sealed class VectorTargets : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int BatchSize => 5;
        public int? StepsPerEpoch => null;
        public Batch BatchAt(int step) => new(randn(5, 6), randn(5), new long[] { 0, 1, 2, 3, 4 }, 0);
    }

    // Streams tell their batch sizes only through their batches: one that draws 4 samples beside another's 5 is named
    // with the step and both members rather than failing inside the stacking (mutation round 13A).
    [Test]
    public void StreamsThatDrawOtherBatchSizesAreNamedAtTheStep()
    {
        var members = new[] { new EnsembleMember(Fcn(), Sgd(0.1), 1), new EnsembleMember(Fcn(), Sgd(0.1), 2) };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        var ex = Assert.Throws<InvalidOperationException>(() => new EnsembleTrainer(ensemble).Run(new IBatchSource[] { new FixedRows(5), new FixedRows(4) }));
        Assert.That(ex!.Message, Does.StartWith("At step 0: member 1 drew 4 samples and member 0 5; members of an ensemble need batches of one size at every step"));
    }

    // A stream that claims batches of 5 and draws the given number of rows.
    private sealed class FixedRows(int rows) : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int BatchSize => 5;
        public int? StepsPerEpoch => null;
        public Batch BatchAt(int step) => new(randn(rows, 6), randn(rows, 1), Enumerable.Range(0, rows).Select(i => (long)i).ToArray(), 0);
    }

    [Test]
    public void AStreamsBatchTargetsAreCheckedToo()
    {
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn(), Sgd(0.1), 1) }, Shape, 1);
        var stream = new WideTargets();
        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(new IBatchSource[] { stream }));
        Assert.That(ex!.Message, Does.StartWith("Member 0: the batch targets are [5, 2] Float32; the ensemble needs float32 targets [n, 1]"));
    }

    private sealed class WideTargets : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int BatchSize => 5;
        public int? StepsPerEpoch => null;
        public Batch BatchAt(int step) => new(randn(5, 6), randn(5, 2), new long[] { 0, 1, 2, 3, 4 }, 0);
    }

    [Test]
    public void AMembersBadMomentumIsRefusedByNameNotReportedAsDivergence()
    {
        var momentum = Sgd(0.1, optimizer: OptimizerKind.Momentum);
        var members = new[]
        {
            new EnsembleMember(Fcn(), momentum, 1),
            new EnsembleMember(Fcn(), momentum with { OptimizerSettings = new OptimizerOptions { Momentum = double.NaN } }, 2),
        };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble));
        Assert.That(ex!.Message, Does.StartWith("Member 1: OptimizerSettings.Momentum must be finite and in [0, 1)"));
    }
}
