using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Subspaces;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;
using static TorchSharp.torch;
using Catapults.ML.Probes;

namespace Catapults.Study.DominantSubspace;

/// <summary>Runs the study: SGD for the warm-up, then SGD, Dom-SGD and Bulk-SGD from the same weights.</summary>
public static class DominantSubspaceStudy
{
    /// <summary>Loads or generates the data: one-hot MSE targets with <see cref="DominantSubspaceSettings.Classes"/> outputs.</summary>
    public static (TensorDataset Data, string Description) LoadData(DominantSubspaceSettings s)
    {
        if (s.Dataset is ImageDatasetKind kind)
        {
            var image = ImageDatasets.Load(kind, new ImageDatasetOptions
            {
                Classes = Enumerable.Range(0, s.Classes).ToArray(), SamplesPerClass = s.Samples, Seed = s.Seed,
                Labels = LabelMapping.OneHot, Normalization = PixelNormalization.Standardize,
            }, s.DataRoot);
            return (image.Data, $"{image.DatasetName}: classes 0..{s.Classes - 1}, {image.Data.Count} images, d = {image.Data.FeatureDimension}");
        }
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        string offset = s.InputOffset == 0 ? "" : $", mean {s.InputOffset.ToString("G3", invariant)} sd in every coordinate";
        return (Clusters(s), $"synthetic: {s.Classes} Gaussian clusters in d = {s.InputDimension} (centres N(0, {s.ClusterScale.ToString("G3", invariant)}²·I){offset}), {s.Samples} samples, one-hot targets");
    }

    /// <summary>
    /// <see cref="LoadData"/>, with the mini-batches checked against the samples as loaded (an image dataset may hold
    /// fewer per class than asked for).
    /// </summary>
    /// <exception cref="InvalidOperationException">A batch exceeds the samples; the message names the data and the option.</exception>
    public static (TensorDataset Data, string Description) LoadCheckedData(DominantSubspaceSettings s)
    {
        var (data, description) = LoadData(s);
        try
        {
            s.RequireBatchesFit(data.Count);
        }
        catch (ArgumentException ex)
        {
            data.Dispose();
            throw new InvalidOperationException($"{description}: {ex.Message}", ex);
        }
        return (data, description);
    }

    // Class centres N(0, s²·I) around unit-variance noise: at s = 1.5 two centres lie about 12 apart against a noise
    // radius of √d ≈ 5.7, so the classes barely overlap; smaller s makes them overlap and the task harder.
    private static TensorDataset Clusters(DominantSubspaceSettings s)
    {
        using var g = Seeding.TorchGenerator(s.Seed, Seeding.Stream.Data);
        using var scope = torch.NewDisposeScope();
        var centres = torch.randn(new long[] { s.Classes, s.InputDimension }, generator: g) * s.ClusterScale;
        var labels = torch.randint(0, s.Classes, new long[] { s.Samples }, generator: g, dtype: ScalarType.Int64);
        var x = centres.index_select(0, labels) + torch.randn(new long[] { s.Samples, s.InputDimension }, generator: g);
        if (s.InputOffset != 0) x.add_(s.InputOffset * s.InputStandardDeviation);
        var y = nn.functional.one_hot(labels, s.Classes).to(ScalarType.Float32);
        return new TensorDataset(x.DetachFromDisposeScope(), y.DetachFromDisposeScope(), "clusters");
    }

    /// <summary>Runs warm-up and arms; <paramref name="progress"/> gets one line per phase.</summary>
    public static StudyResult Run(DominantSubspaceSettings s, Action<string>? progress = null, CancellationToken ct = default)
    {
        s.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (data, description) = LoadCheckedData(s);
        using var _ = data;
        int outputs = data.TargetDimension;
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = (int)data.FeatureDimension, HiddenWidths = new[] { s.Width, s.Width }, OutputCount = outputs,
            Activation = s.Activation, Parameterization = s.Parameterization, UseBias = s.UseBias, Seed = s.Seed,
        });
        long parameters = ParameterVector.Count(model);
        progress?.Invoke($"{description}; {s.Activation.ToString().ToLowerInvariant()} MLP {data.FeatureDimension}-{s.Width}-{s.Width}-{outputs} ({parameters} parameters, {s.ParameterizationName} parameterisation); k = {s.EffectiveRank}");
        ArmResult? sgdWarmUp = null;
        double? gdStart = null;
        if (s.EdgeOfStability)
        {
            if (s.SgdWarmUpSteps > 0)
            {
                var sgd = s with { LearningRate = s.SgdLearningRate, BatchSize = s.SgdBatchSize };
                sgdWarmUp = RunArm("SGD warm-up", model, data, sgd, null, s.SgdWarmUpSteps, 0, ct);
                if (sgdWarmUp.Outcome == TrainingOutcome.Diverged)
                    return new StudyResult(s, description, parameters, sgdWarmUp, double.NaN, Array.Empty<double>(), Array.Empty<ArmResult>(), clock.Elapsed, sgdWarmUp);
            }
            // The rate comes from the sharpness where GD starts, so GD begins just inside its stability threshold
            // whatever the SGD steps did to the curvature.
            using var start = HessianEigenspace.Compute(s.SgdWarmUpSteps, model, data.Features, data.Targets, LossKind.MeanSquaredError, 1,
                new HessianOptions { SubsetSize = s.HessianSamples, SubsetSeed = s.Seed }, null);
            gdStart = start.Eigenvalues[0];
            s = s with { LearningRate = s.EdgeOfStabilityFactor / start.Eigenvalues[0] };
            string where = s.SgdWarmUpSteps > 0 ? $"after {s.SgdWarmUpSteps} SGD steps" : "at initialisation";
            progress?.Invoke($"λ_max(∇²L) {where} {start.Eigenvalues[0]:G4}, so η = {s.EdgeOfStabilityFactor:G3} / λ_max = {s.LearningRate:G4} and 2/η = {2 / s.LearningRate:G4}");
        }

        var warmUp = RunArm("warm-up", model, data, s, null, s.WarmUpSteps, s.SgdWarmUpSteps, ct);
        if (warmUp.Outcome == TrainingOutcome.Diverged)
            return new StudyResult(s, description, parameters, warmUp, double.NaN, Array.Empty<double>(), Array.Empty<ArmResult>(), clock.Elapsed, sgdWarmUp, gdStart);
        double atSwitch = Losses.Evaluate(model, data, LossKind.MeanSquaredError);
        double[] switchEigenvalues;
        using (var spectrum = HessianEigenspace.Compute(s.SwitchStep, model, data.Features, data.Targets, LossKind.MeanSquaredError,
                   (int)Math.Min(s.EffectiveRank + 1, parameters), new HessianOptions { SubsetSize = s.HessianSamples, SubsetSeed = s.Seed }, null))
            switchEigenvalues = spectrum.Eigenvalues;
        progress?.Invoke($"warm-up: {s.WarmUpSteps} {s.BaseName} steps, loss {atSwitch:G4}; Hessian λ_k / λ_k+1 = {switchEigenvalues[^2] / switchEigenvalues[^1]:G3}, λ_max·η/2 = {switchEigenvalues[0] * s.LearningRate / 2:G3}");
        var snapshot = ParameterVector.ParametersOf(model).Select(p => p.detach().clone()).ToList();

        var arms = new List<ArmResult>();
        foreach (var mode in new[] { ProjectedUpdateMode.Full, ProjectedUpdateMode.Dominant, ProjectedUpdateMode.Bulk })
        {
            using (torch.no_grad())
            {
                var current = ParameterVector.ParametersOf(model);
                for (int i = 0; i < current.Count; i++) current[i].copy_(snapshot[i]);
            }
            string name = mode switch { ProjectedUpdateMode.Full => s.BaseName, ProjectedUpdateMode.Dominant => "Dom-" + s.BaseName, _ => "Bulk-" + s.BaseName };
            var arm = RunArm(name, model, data, s, mode, s.Steps, s.SwitchStep, ct);
            arms.Add(arm);
            progress?.Invoke($"{name}: final loss {arm.FinalLoss:G4} ({arm.Outcome}), {arm.Refreshes} eigenspace refreshes, {arm.HessianProducts} HVPs");
        }
        foreach (var t in snapshot) t.Dispose();
        return new StudyResult(s, description, parameters, warmUp, atSwitch, switchEigenvalues, arms, clock.Elapsed, sgdWarmUp, gdStart);
    }

    private static ArmResult RunArm(string name, FullyConnectedNetwork model, TensorDataset data, DominantSubspaceSettings s,
        ProjectedUpdateMode? mode, int steps, int offset, CancellationToken ct)
    {
        var hessian = new HessianOptions { SubsetSize = s.HessianSamples, SubsetSeed = s.Seed };
        using var transform = mode is { } m && m != ProjectedUpdateMode.Full
            ? new DominantSubspaceTransform(new DominantSubspaceOptions { Mode = m, Rank = s.EffectiveRank, RefreshEvery = s.RefreshEvery, Hessian = hessian })
            : null;
        using var alignment = new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Every = s.RecordEvery, Rank = s.EffectiveRank, Hessian = hessian });
        var losses = new StepLog();
        if (steps == 0) return new ArmResult(name, Array.Empty<(int, double)>(), Array.Empty<SubspaceAlignmentRecord>(), TrainingOutcome.BudgetReached, null, 0, 0);
        using var trainer = new Trainer(model, new TrainingOptions
        {
            LearningRate = s.LearningRate, BatchSize = s.BatchSize, MaxSteps = steps, ShuffleSeed = s.Seed + offset,
            FullLossEvery = s.BatchSize is null ? 0 : 1, UpdateTransform = transform is null ? null : new GuardedTransform(transform),
            OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = s.SamRadius },
        });
        var result = trainer.Run(data, new ITrainingObserver[] { losses, new GuardedObserver(alignment) }, ct);
        var records = alignment.Records.Select(r => r with { Step = r.Step + offset }).ToList();
        return new ArmResult(name, losses.Steps.Select(step => (step.Step + offset, step.Loss)).ToList(), records, result.Outcome, result.FinalTrainingLoss, transform?.Refreshes ?? 0, transform?.HessianProducts ?? 0);
    }

    // The eigenspace and χ_k solves fail inside libtorch once the weights blow up: those failures end the arm as
    // diverged, like a non-finite loss, instead of ending the study.
    private sealed class GuardedObserver(ITrainingObserver inner) : ITrainingObserver
    {
        public void OnTrainingStarted(TrainingContext context) =>
            Finite.Guard(context.Model, 0, "the Hessian eigen-solve", () => { inner.OnTrainingStarted(context); return 0; });

        public void OnBeforeStep(StepContext step) =>
            Finite.Guard(step.Training.Model, step.Step, "the Hessian eigen-solve", () => { inner.OnBeforeStep(step); return 0; });

        public void OnStepCompleted(StepRecord record, TrainingContext context) =>
            Finite.Guard(context.Model, record.Step + 1, "the Hessian eigen-solve", () => { inner.OnStepCompleted(record, context); return 0; });

        public void OnTrainingCompleted(TrainingResult result, TrainingContext context)
        {
            try
            {
                inner.OnTrainingCompleted(result, context);
            }
            catch (Exception ex) when (Finite.IsNonFiniteFailure(ex))
            {
                // The final record is left out; the arm's outcome is already decided.
            }
        }
    }

    private sealed class GuardedTransform(IUpdateTransform inner) : IUpdateTransform
    {
        public void Transform(StepContext step, IReadOnlyList<TorchSharp.Modules.Parameter> parameters, IReadOnlyList<Tensor> updates) =>
            Finite.Guard(step.Training.Model, step.Step, "the dominant-subspace eigen-solve", () => { inner.Transform(step, parameters, updates); return 0; });
    }
}
