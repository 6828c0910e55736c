namespace Catapults.ML.Spectra;

/// <summary>Options of <see cref="HessianOperator"/>.</summary>
public sealed class HessianOptions
{
    /// <summary>
    /// Samples per streamed chunk of a Hessian-vector product (default 1024). The product over n samples is the sum of
    /// the chunks' products, each weighted by its share count/n of the loss's 1/n normalisation.
    /// </summary>
    public int ChunkSize { get; set; } = 1024;

    /// <summary>
    /// Evaluate the Hessian on a fixed random subset of this many training samples (default null: the whole set).
    /// The subset is drawn once, with <see cref="SubsetSeed"/>, when the operator is created.
    /// </summary>
    public int? SubsetSize { get; set; }

    /// <summary>Seed of the subset draw (default 0).</summary>
    public long SubsetSeed { get; set; }

    /// <summary>
    /// Keep the first-order gradient graph between products when the data fit in one chunk (default true): each
    /// product then costs one double-backward pass instead of a forward, a backward and a double backward.
    /// </summary>
    public bool RetainGraph { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (ChunkSize < 1) throw new ArgumentException($"HessianOptions.ChunkSize must be at least 1, got {ChunkSize}.", nameof(ChunkSize));
        if (SubsetSize is int s && s < 1) throw new ArgumentException($"HessianOptions.SubsetSize must be at least 1, got {s}.", nameof(SubsetSize));
    }

    /// <summary>A shallow copy.</summary>
    public HessianOptions Clone() => (HessianOptions)MemberwiseClone();
}
