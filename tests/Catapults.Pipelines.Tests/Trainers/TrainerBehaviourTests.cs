using Catapults.ML.Probes;
using Catapults.ML.Runtime;
using Catapults.ML.Training;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Persistence;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Microsoft.Data.Analysis;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Trainers;

public class TrainerBehaviourTests
{
    private readonly MLContext _ml = new(seed: 1);
    private IDataView Data(int n = 64) => _ml.Data.LoadFromEnumerable(TestData.Rank2(n, seed: 71));

    private sealed class CountingObserver : ITrainingObserver
    {
        public int Steps;
        public void OnStepCompleted(StepRecord record, TrainingContext context) => Steps++;
    }

    [Test]
    public void StepRecordsFollowTheBatchesEpochsAndSchedule()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Training = options.Training with { MaxEpochs = 3, Schedule = new MilestoneSchedule(0.05, new[] { (5, 0.01) }) };
        var observer = new CountingObserver();
        options.Observers.Add(observer);
        using var model = _ml.Regression.Trainers.TorchNetwork(options).Fit(Data());
        var steps = model.Report.Steps;
        Assert.That(steps.Select(s => s.Step), Is.EqualTo(Enumerable.Range(0, 12)));
        Assert.That(steps.Select(s => s.Epoch), Is.EqualTo(Enumerable.Range(0, 12).Select(i => i / 4)));
        Assert.That(steps.Select(s => s.BatchSize), Is.All.EqualTo(16));
        Assert.That(steps.Select(s => s.LearningRate), Is.EqualTo(Enumerable.Range(0, 12).Select(i => i < 5 ? 0.05 : 0.01)));
        Assert.That(steps.Select(s => s.FullTrainingLoss), Is.All.Null, "mini-batches compute no full loss unless asked");
        Assert.That(observer.Steps, Is.EqualTo(12), "the caller's observer saw every step");
        Assert.That(model.Report.Model.TrainingRowCount, Is.EqualTo(64));
        Assert.That(model.Report.Model.FeatureCount, Is.EqualTo(TestData.Dimension));
        Assert.That(model.Report.Model.ParameterCount, Is.EqualTo(TestData.Dimension * 16 + 16 + 16 + 1));
    }

    [Test]
    public void FullBatchRecordsTheFullLossAtEveryStep()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Training = options.Training with { BatchSize = null, MaxEpochs = null, MaxSteps = 5 };
        using var model = _ml.Regression.Trainers.TorchNetwork(options).Fit(Data());
        Assert.That(model.Report.Steps, Has.Count.EqualTo(5));
        foreach (var s in model.Report.Steps)
        {
            Assert.That(s.BatchSize, Is.EqualTo(64));
            Assert.That(s.FullTrainingLoss, Is.EqualTo(s.BatchLoss));
        }
    }

    [Test]
    public void DivergenceThrowsWithTheReportOrIsReported()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Training = options.Training with { LearningRate = 1e4 };
        var ex = Assert.Throws<TrainingDivergedException>(() => _ml.Regression.Trainers.TorchNetwork(options).Fit(Data()));
        Assert.That(ex!.Report.Result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(ex.Message, Does.Contain("diverged").And.Contain("10000").And.Contain("ThrowOnDivergence"));

        options.ThrowOnDivergence = false;
        using var model = _ml.Regression.Trainers.TorchNetwork(options).Fit(Data());
        Assert.That(model.Report.Result.Diverged, Is.True);
        Assert.That(model.Report.Result.Divergence!.Step, Is.EqualTo(model.Report.Steps.Count), "the failing step is not recorded as completed");
    }

    [Test]
    public void ARunThatDivergesAtItsFirstStepSaysNoLossWasFiniteAndKeepsThatThroughTheArchive()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Training = options.Training with { LearningRate = 1e39 };
        var ex = Assert.Throws<TrainingDivergedException>(() => _ml.Regression.Trainers.TorchNetwork(options).Fit(Data()));
        Assert.That(ex!.Message, Does.Contain("at step 0: ").And.Contain("(no finite loss before it)").And.Not.Contain("NaN"));

        options.ThrowOnDivergence = false;
        using var model = _ml.Regression.Trainers.TorchNetwork(options).Fit(Data());
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        using var loaded = CatapultsModelArchive.LoadTransformer<TorchNetworkRegressionTransformer>(stream);
        var divergence = loaded.Report.Result.Divergence!;
        Assert.That((divergence.Step, divergence.LastFiniteLoss, divergence.OffendingLoss), Is.EqualTo((0, (double?)null, (double?)null)));
    }

    // Features of 1e18 leave the first loss finite, and after one step the probe set's kernel overflows float32 at finite
    // weights: the diagnostics meet it before the trainer's loss check, and the fit still ends as diverged.
    [Test]
    public void DivergenceSeenFirstByTheDiagnosticsThrowsTheDivergence()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Training = options.Training with { LearningRate = 0.1, MaxEpochs = 2 };
        options.Diagnostics = new TrainingDiagnosticsOptions { Enabled = true, Every = 1, TopEigenvalueCount = 1, ProbeSize = 16 };
        var huge = TestData.Rank2(32, seed: 71).Select(r => new RegressionRow { Features = r.Features.Select(v => v * 1e18f).ToArray(), Label = 1f });
        var ex = Assert.Throws<TrainingDivergedException>(() => _ml.Regression.Trainers.TorchNetwork(options).Fit(_ml.Data.LoadFromEnumerable(huge)));
        Assert.That(ex!.Report.Result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(ex.Report.Result.Divergence!.Reason, Does.Contain("finite"));
    }

    [Test]
    public void OptionsAreValidatedAndSnapshotAtFit()
    {
        var bad = new TorchNetworkRegressionTrainer.Options { Network = new() { Architecture = "rnn-2" } };
        var ex = Assert.Throws<ArgumentException>(() => _ml.Regression.Trainers.TorchNetwork(bad));
        Assert.That(ex!.Message, Does.Contain("rnn-2"));
        var loss = new TorchNetworkRegressionTrainer.Options { Training = new() { Loss = LossKind.CrossEntropy, MaxEpochs = 1 } };
        ex = Assert.Throws<ArgumentException>(() => _ml.Regression.Trainers.TorchNetwork(loss));
        Assert.That(ex!.Message, Does.Contain("Training.Loss is CrossEntropy").And.Contain("MeanSquaredError"));

        // A thread count beyond the cores used to reach libtorch, and 100,000 ended the process (a native stack overflow).
        var threads = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        threads.Threads = 100_000;
        ex = Assert.Throws<ArgumentException>(() => _ml.Regression.Trainers.TorchNetwork(threads));
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(threads.Threads)));
        Assert.That(ErrorText.MessageOf(ex), Is.EqualTo(
            $"Threads must be in 1..{Environment.ProcessorCount} (the cores this process may use), got 100000 (or null to keep the process's setting)."));

        // Refused when built, as ML.NET's trainers refuse a zero iteration count, instead of fitting nothing (found by review).
        ex = Assert.Throws<ArgumentException>(() => _ml.Regression.Trainers.TorchNetwork(numberOfEpochs: 0));
        Assert.That(ex!.Message, Does.Contain("Training.MaxEpochs is 0").And.Contain("numberOfEpochs"));
        var noSteps = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        noSteps.Training = noSteps.Training with { MaxSteps = 0 };
        ex = Assert.Throws<ArgumentException>(() => _ml.Regression.Trainers.TorchNetwork(noSteps));
        Assert.That(ex!.Message, Does.Contain("Training.MaxSteps is 0"));
        ex = Assert.Throws<ArgumentException>(() => _ml.Regression.Trainers.TorchNetwork(network: new() { Width = 0 }));
        Assert.That(ex!.Message, Does.Contain("Network.Width must be at least 1, got 0"));

        var tooBig = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        tooBig.Training = tooBig.Training with { BatchSize = 100 };
        var batch = Assert.Catch<ArgumentException>(() => _ml.Regression.Trainers.TorchNetwork(tooBig).Fit(Data()));
        Assert.That(batch!.Message, Does.Contain("BatchSize 100").And.Contain("64"));

        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        var trainer = _ml.Regression.Trainers.TorchNetwork(options);
        using var model = trainer.Fit(Data());
        options.Training = options.Training with { LearningRate = 123 };
        options.Network = options.Network with { Width = 99 };
        options.Diagnostics.Every = 7;
        Assert.That(model.Options.Training.LearningRate, Is.EqualTo(0.05));
        Assert.That(model.Options.Network.Width, Is.EqualTo(16));
        Assert.That(model.Options.Diagnostics.Every, Is.EqualTo(10));
    }

    // Found by the review of 5 Dec 2026: without detection the count read 0 ("no catapults") and without a spectrum it
    // counted every spike.
    [TestCase(false, 1)]
    [TestCase(true, 0)]
    public void CatapultsThatWereNotMeasuredAreNotCounted(bool detect, int eigenvalues)
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Training = options.Training with { MaxEpochs = 1 };
        options.Diagnostics = new TrainingDiagnosticsOptions { Enabled = true, Every = 2, TopEigenvalueCount = eigenvalues, ProbeSize = 32, DetectCatapults = detect };
        using var model = _ml.Regression.Trainers.TorchNetwork(options).Fit(Data());
        Assert.That(model.Report.Diagnostics, Is.Not.Null, "the other diagnostics are still recorded");
        Assert.That(model.Report.CatapultEvents, Is.Null);
        Assert.That(model.Report.CatapultCount, Is.Null);
        Assert.That(model.Report.ClearCatapultCount, Is.Null);
    }

    [Test]
    public void DiagnosticsAreRecordedInTheReportAndSavedWithTheModel()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Training = options.Training with { MaxEpochs = 1 }; // 4 steps of 16 rows
        options.Diagnostics = new TrainingDiagnosticsOptions { Enabled = true, Every = 2, TopEigenvalueCount = 2, ProbeSize = 32 };
        using var model = _ml.Regression.Trainers.TorchNetwork(options).Fit(Data());
        var report = model.Report;

        var diagnostics = report.Diagnostics!;
        // Records at w_0 and w_2, then at the final weights w_4.
        Assert.That(((PrimitiveDataFrameColumn<int>)diagnostics["Step"]).Select(v => v!.Value), Is.EqualTo(new[] { 0, 2, 4 }));
        var lambda1 = (PrimitiveDataFrameColumn<double>)diagnostics["Lambda1"];
        var lambda2 = (PrimitiveDataFrameColumn<double>)diagnostics["Lambda2"];
        for (long i = 0; i < diagnostics.Rows.Count; i++)
            Assert.That(lambda1[i]!.Value, Is.GreaterThan(0).And.GreaterThanOrEqualTo(lambda2[i]!.Value), $"λ₁ ≥ λ₂ at record {i}");

        // η_crit = b / λ_max(K_b) for the squared loss (README, Conventions), at each recorded step's batch.
        var rates = report.CriticalRates!;
        Assert.That(((PrimitiveDataFrameColumn<int>)rates["Step"]).Select(v => v!.Value), Is.EqualTo(new[] { 0, 2 }));
        for (long i = 0; i < rates.Rows.Count; i++)
        {
            double eta = (double)rates["CriticalLearningRate"][i]!, sharpness = (double)rates["Sharpness"][i]!;
            int b = (int)rates["BatchSize"][i]!;
            Assert.That(b, Is.EqualTo(16));
            Assert.That(eta, Is.EqualTo(b / sharpness).Within(1e-9 * eta));
        }
        Assert.That(report.CatapultEvents, Is.Not.Null);
        Assert.That(report.CatapultCount, Is.EqualTo(report.CatapultEvents!.Rows.Count));
        Assert.That(report.CatapultEvents.Columns.IndexOf("Clear"), Is.GreaterThanOrEqualTo(0), "each event says whether its λ_max drop stands out from the drift");
        Assert.That(report.ClearCatapultCount, Is.Not.Null.And.LessThanOrEqualTo(report.CatapultCount!.Value));

        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        using var loaded = Catapults.Pipelines.Persistence.CatapultsModelArchive.LoadTransformer<Catapults.Pipelines.Trainers.TorchNetworkRegressionTransformer>(stream);
        Assert.That(loaded.TrainingOptions.Diagnostics.Every, Is.EqualTo(2));
        foreach (var (name, table) in new[] { ("diagnostics", report.Diagnostics!), ("critical-rates", rates), ("catapult-events", report.CatapultEvents!) })
        {
            var back = loaded.Report.Tables[name];
            Assert.That(back.Columns.Select(c => c.Name), Is.EqualTo(table.Columns.Select(c => c.Name)), name);
            for (int c = 0; c < table.Columns.Count; c++)
                for (long r = 0; r < table.Rows.Count; r++)
                    Assert.That(back.Columns[c][r], Is.EqualTo(table.Columns[c][r]), $"{name}[{r}, {table.Columns[c].Name}]");
        }
        Assert.That(loaded.Report.CatapultCount, Is.EqualTo(report.CatapultCount));
    }

    [Test]
    public void InvalidDiagnosticsSettingsAreNamed()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Diagnostics.Enabled = true;
        options.Diagnostics.ProbeSize = 0;
        var ex = Assert.Throws<ArgumentException>(() => _ml.Regression.Trainers.TorchNetwork(options));
        Assert.That(ex!.Message, Does.Contain("ProbeSize"));
        options.Diagnostics.ProbeSize = 8;
        options.Diagnostics.CriticalRate = (CriticalRateCadence)77;
        var undefined = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Regression.Trainers.TorchNetwork(options));
        Assert.That(undefined!.Message, Does.StartWith("Diagnostics.CriticalRate must be one of "));
    }

    [Test]
    public void WithoutDiagnosticsTheReportHasNoDiagnosticsTables()
    {
        using var model = _ml.Regression.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkRegressionTrainer.Options())).Fit(Data());
        Assert.That(model.Report.Diagnostics, Is.Null);
        Assert.That(model.Report.CatapultCount, Is.Null);
    }

    [Test]
    public void TheSameSeedGivesTheSameModel()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        using var a = _ml.Regression.Trainers.TorchNetwork(options).Fit(Data());
        using var b = _ml.Regression.Trainers.TorchNetwork(options).Fit(Data());
        Assert.That(b.Report.Steps.Select(s => s.BatchLoss), Is.EqualTo(a.Report.Steps.Select(s => s.BatchLoss)));
        options.Training = options.Training with { ShuffleSeed = 99 };
        using var c = _ml.Regression.Trainers.TorchNetwork(options).Fit(Data());
        Assert.That(c.Report.Steps[0].BatchLoss, Is.Not.EqualTo(a.Report.Steps[0].BatchLoss), "another batch order");
    }
}
