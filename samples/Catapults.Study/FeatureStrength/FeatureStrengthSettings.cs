using System.Text.Json;
using Catapults.ML.Data;
using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// Everything that defines a feature-strength sweep (and so its manifest): the network, the online task, the step
/// budget and the γ–η grid. Two presets: <see cref="Default"/> and <see cref="Quick"/>.
/// </summary>
internal sealed record FeatureStrengthSettings
{
    public SyntheticTaskKind Task { get; init; } = SyntheticTaskKind.Rank2;
    public int InputDimension { get; init; } = 16;
    public int Width { get; init; } = 128;
    public int HiddenLayers { get; init; } = 1;
    public ActivationKind Activation { get; init; } = ActivationKind.Relu;
    public int Steps { get; init; } = 1000;
    public int BatchSize { get; init; } = 32;
    public int HeldOutCount { get; init; } = 1000;
    public int EvaluateEvery { get; init; } = 20;
    public double GammaMin { get; init; } = 1e-3;
    public double GammaMax { get; init; } = 1e3;
    public int GammasPerDecade { get; init; } = 2;
    public double LevelSpacingDecades { get; init; } = 0.25;
    public double DecadesBelowFirstStable { get; init; } = 1.0;
    public double StartDecadesAboveRule { get; init; } = 1.0;
    public double SlopeFitExclusionDecades { get; init; } = 1.0;
    public long Seed { get; init; }

    /// <summary>The full study: 13 γ from 10⁻³ to 10³, width 128, 1000 steps.</summary>
    public static FeatureStrengthSettings Default { get; } = new();

    /// <summary>A smoke run: 9 γ from 10⁻² to 10², width 64, 300 steps.</summary>
    public static FeatureStrengthSettings Quick { get; } = new()
    {
        Width = 64, Steps = 300, HeldOutCount = 500, EvaluateEvery = 10, GammaMin = 1e-2, GammaMax = 1e2,
    };

    public int Depth => HiddenLayers + 1;

    /// <summary>The widest network a cell may train (its N × N hidden layers and their Adam-free SGD state).</summary>
    public const int MaxWidth = 16384;

    /// <summary>The most γ values a sweep may hold (each is tens of cells).</summary>
    public const int MaxGammas = 1000;

    public double[] Gammas()
    {
        double decades = Math.Log10(GammaMax / GammaMin);
        int count = (int)Math.Round(decades * GammasPerDecade) + 1;
        return FeatureStrengthSweepOptions.LogGrid(GammaMin, GammaMax, Math.Max(count, 1));
    }

    /// <summary>The spec of one cell, before γ and η are set.</summary>
    public FeatureStrengthCellSpec CellTemplate() => new()
    {
        Task = Task,
        InputDimension = InputDimension,
        HiddenWidths = Enumerable.Repeat(Width, HiddenLayers).ToArray(),
        Activation = Activation,
        Parameterization = Parameterization.MeanField,
        Steps = Steps,
        BatchSize = BatchSize,
        HeldOutCount = HeldOutCount,
        EvaluateEvery = EvaluateEvery,
        Seed = Seed,
    };

    public FeatureStrengthSweepOptions SweepOptions(int parallelism)
    {
        var rule = CellTemplate().Scaling();
        double startFactor = Math.Pow(10, StartDecadesAboveRule);
        return new FeatureStrengthSweepOptions
        {
            Gammas = Gammas(),
            LevelSpacingDecades = LevelSpacingDecades,
            StartingLearningRate = g => rule.LearningRate(1.0, g) * startFactor,
            DecadesBelowFirstStable = DecadesBelowFirstStable,
            SlopeFitExclusionDecades = SlopeFitExclusionDecades,
            Parallelism = parallelism,
            CatapultCounter = CountCatapults,
        };
    }

    /// <summary>
    /// The catapult detector's options for a cell's loss curve: one fresh mini-batch per step and no λ, hence the
    /// mini-batch preset. Counting happens when the sweep is summarised, never in the cells, so it is not part of the
    /// manifest: changing it re-counts stored cells instead of retraining them.
    /// </summary>
    public static CatapultDetectorOptions CatapultDetection => CatapultDetectorOptions.ForMiniBatchLoss();

    /// <summary>The number of catapults the detector finds in a cell's batch-loss curve (up to divergence, if any).</summary>
    public static int CountCatapults(IReadOnlyList<double> batchLosses) => CatapultDetector.Detect(batchLosses, CatapultDetection).Count;

    /// <summary>Throws <see cref="ArgumentException"/> naming the command-line option at fault.</summary>
    public void Validate()
    {
        if (Width < 1) throw new ArgumentException($"--width must be at least 1, got {Width}.");
        if (HiddenLayers < 1) throw new ArgumentException($"--hidden-layers must be at least 1, got {HiddenLayers}.");
        if (Steps < 1) throw new ArgumentException($"--steps must be at least 1, got {Steps}.");
        if (BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {BatchSize}.");
        if (Width > MaxWidth) throw new ArgumentException($"--width must be at most {MaxWidth} (a cell's network must fit in memory many times over), got {Width}.");
        if (HiddenLayers > 64) throw new ArgumentException($"--hidden-layers must be at most 64, got {HiddenLayers}.");
        if (!(GammaMin > 0) || !(GammaMax >= GammaMin))
            throw new ArgumentException($"--gamma-min and --gamma-max must satisfy 0 < min ≤ max, got {GammaMin} and {GammaMax}.");
        if (GammasPerDecade < 1) throw new ArgumentException($"--gammas-per-decade must be at least 1, got {GammasPerDecade}.");
        if (Math.Log10(GammaMax / GammaMin) * GammasPerDecade + 1 > MaxGammas)
            throw new ArgumentException($"--gamma-min, --gamma-max and --gammas-per-decade give more than {MaxGammas} values of γ; narrow the range or the density.");
        if (!(LevelSpacingDecades > 0)) throw new ArgumentException($"--eta-spacing must be positive, got {LevelSpacingDecades}.");
        if (!(DecadesBelowFirstStable >= 0)) throw new ArgumentException($"--decades-below must be ≥ 0, got {DecadesBelowFirstStable}.");
        if (!(SlopeFitExclusionDecades >= 0)) throw new ArgumentException($"--fit-exclude-decades must be ≥ 0, got {SlopeFitExclusionDecades}.");
        CellTemplate().Validate();
    }

    /// <summary>The manifest: the settings as JSON, so a changed setting never reuses old cells.</summary>
    public string Manifest() => JsonSerializer.Serialize(this, SweepJson.Indented);
}
