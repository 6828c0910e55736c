namespace Catapults.ML.Models;

/// <summary>
/// Base of the image networks (CNN, Wide ResNet, ViT): holds the validated options and answers the input shape,
/// output count and output multiplier from them.
/// </summary>
/// <typeparam name="TOptions">The network's options class.</typeparam>
public abstract class ImageNetwork<TOptions> : NetworkModule where TOptions : ImageNetworkOptions
{
    /// <summary>Validates <paramref name="options"/> and keeps them.</summary>
    protected ImageNetwork(string name, TOptions options) : base(name)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // A size that cannot fit is refused here, before libtorch's allocator fails (and, for a large enough request,
        // takes the process down with it).
        options.RequireWeightsFit($"A {name}");
        // The module keeps a snapshot: a later edit of the caller's options object changes nothing here.
        Options = (TOptions)options.Snapshot();
    }

    /// <summary>A snapshot of the options the network was built with (editing it changes nothing).</summary>
    public TOptions Options { get; }

    /// <summary>The output multiplier m.</summary>
    public double OutputMultiplier => Options.OutputMultiplier;

    /// <inheritdoc />
    public override long[] InputShape => Options.InputShape;

    /// <inheritdoc />
    public override int OutputCount => Options.OutputCount;
}
