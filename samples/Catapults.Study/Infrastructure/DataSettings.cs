namespace Catapults.Study.Infrastructure;

/// <summary>Which data a run uses (recorded in config.json).</summary>
public sealed record DataSettings
{
    /// <summary>rank2 (default), rank4, cifar10, svhn or celeba.</summary>
    public string Dataset { get; init; } = "rank2";

    /// <summary>Folder of the downloaded image datasets (or the CATAPULTS_DATA environment variable).</summary>
    public string? DataRoot { get; init; }

    /// <summary>Training samples n (default 2000; for images the per-class count is n / classes).</summary>
    public int TrainCount { get; init; } = 2000;

    /// <summary>Test samples (default 1000).</summary>
    public int TestCount { get; init; } = 1000;

    /// <summary>Input dimension d of the synthetic tasks (default 100).</summary>
    public int InputDimension { get; init; } = 100;

    /// <summary>Seed of the data draw (the same for every training seed, so that seeds vary only the network and batch order).</summary>
    public long DataSeed { get; init; }

    /// <summary>Whether the data is a synthetic task (rank2, rank4), the ones whose true predictor's AGOP is known.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsSynthetic => Dataset is "rank2" or "rank4";

    /// <summary>Throws <see cref="ConfigurationException"/> on an invalid value.</summary>
    public void Validate()
    {
        string[] known = { "rank2", "rank4", "cifar10", "svhn", "celeba" };
        if (!known.Contains(Dataset)) throw new ConfigurationException($"--dataset must be one of {string.Join(", ", known)}; got '{Dataset}'.");
        if (TrainCount < 1) throw new ConfigurationException($"--n-train must be at least 1, got {TrainCount}.");
        if (TestCount < 1) throw new ConfigurationException($"--n-test must be at least 1, got {TestCount}.");
        if (InputDimension < 4) throw new ConfigurationException($"--input-dimension must be at least 4, got {InputDimension}.");
        // The synthetic tasks are drawn as float32 tensors (inputs and targets, plus a copy while they are made); an
        // image is at most 3 × 64 × 64 floats after the loaders' resizing.
        double perSample = IsSynthetic ? 2.0 * (InputDimension + 1) : 3 * 64 * 64;
        ConfigurationException.RequireMemory(4 * perSample * ((double)TrainCount + TestCount), $"--n-train {TrainCount} and --n-test {TestCount} of {Dataset}");
    }
}
