namespace Catapults.ML.Models;

/// <summary>
/// Settings every architecture shares when built by name through <see cref="ModelFactory"/>. Unset (null) options
/// take the architecture's own default.
/// </summary>
public sealed class ModelSettings
{
    /// <summary>Shape of one input sample: [C, H, W] for image networks, any shape for a fully connected network (which flattens it); default [3, 32, 32].</summary>
    public long[] InputShape { get; set; } = { 3, 32, 32 };

    /// <summary>Number of outputs O; default 10.</summary>
    public int OutputCount { get; set; } = 10;

    /// <summary>Multiplier applied to the output; default 1.</summary>
    public double OutputMultiplier { get; set; } = 1.0;

    /// <summary>Seed of the initialisation; default 0.</summary>
    public long Seed { get; set; }

    /// <summary>Parameterisation; null (default) for the architecture's default.</summary>
    public Parameterization? Parameterization { get; set; }

    /// <summary>Nonlinearity; null (default) for the architecture's default.</summary>
    public ActivationKind? Activation { get; set; }

    /// <summary>
    /// Width: the hidden width of a fully connected network (default 1024), the channels of every convolution of a CNN
    /// (default 64) or the token width of a ViT (default 128). A Wide ResNet's width is its widening factor, given in
    /// its name (<c>wrn-16-8</c>), so setting this for one is an error. Null (default) for the architecture's default.
    /// </summary>
    public int? Width { get; set; }

    /// <summary>Normalisation of a Wide ResNet; null (default) for GroupNorm. Setting it for another architecture is an error.</summary>
    public NormalizationKind? Normalization { get; set; }

    /// <summary>
    /// Whether the layers have biases; null (default) for the architecture's default: on for fully connected networks,
    /// CNNs and ViTs, off in a Wide ResNet's convolutions. For a Wide ResNet it sets the convolutions' biases; its
    /// readout always has one.
    /// </summary>
    public bool? UseBias { get; set; }
}

/// <summary>
/// Builds any network of the engine from an <see cref="ArchitectureSpec"/> name (<c>fcn</c>, <c>cnn-5</c>,
/// <c>wrn-16-4</c>, <c>vit-4</c>, …) and shared <see cref="ModelSettings"/>, so that a command line can choose the
/// architecture by name.
/// </summary>
public static class ModelFactory
{
    /// <summary>Default number of linear layers of <c>fcn</c>: 2 (one hidden layer, the paper's 2-layer network).</summary>
    public const int DefaultFullyConnectedDepth = 2;

    /// <summary>Default width of <c>fcn</c>'s hidden layers: 1024.</summary>
    public const int DefaultFullyConnectedWidth = 1024;

    /// <summary>Default number of layers of <c>cnn</c>: 5 (four convolutions and a readout).</summary>
    public const int DefaultConvolutionalDepth = 5;

    /// <summary>Default channels of <c>cnn</c>'s convolutions: 64.</summary>
    public const int DefaultConvolutionalWidth = 64;

    /// <summary>Wide ResNet defaults (read-only use).</summary>
    internal static WideResNetOptions DefaultWideResNet { get; } = new();

    /// <summary>Vision Transformer defaults (read-only use).</summary>
    internal static VisionTransformerOptions DefaultVisionTransformer { get; } = new();

    /// <summary>Builds the network named <paramref name="architecture"/> (see <see cref="ArchitectureSpec"/>).</summary>
    public static NetworkModule Create(string architecture, ModelSettings settings) => Create(ArchitectureSpec.Parse(architecture), settings);

    /// <summary>Builds the network <paramref name="spec"/> with <paramref name="settings"/>.</summary>
    public static NetworkModule Create(ArchitectureSpec spec, ModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.InputShape is null || settings.InputShape.Length == 0 || settings.InputShape.Any(s => s < 1))
            throw new ArgumentException(
                $"ModelSettings.InputShape must be a non-empty list of positive sizes, got [{string.Join(", ", settings.InputShape ?? Array.Empty<long>())}].",
                nameof(settings));
        if (settings.Normalization is not null && spec.Kind != ArchitectureKind.WideResNet)
            throw new ArgumentException($"ModelSettings.Normalization applies to Wide ResNets only, not to {spec}.", nameof(settings));
        if (spec.WidenFactor is not null && spec.Kind != ArchitectureKind.WideResNet)
            throw new ArgumentException($"A widening factor applies to Wide ResNets only, not to {spec.Kind}.", nameof(spec));

        return spec.Kind switch
        {
            ArchitectureKind.FullyConnected => new FullyConnectedNetwork(FullyConnected(spec, settings)),
            ArchitectureKind.Convolutional => new ConvolutionalNetwork(Convolutional(spec, settings)),
            ArchitectureKind.WideResNet => new WideResNet(WideResNetFor(spec, settings)),
            ArchitectureKind.VisionTransformer => new VisionTransformer(VisionTransformerFor(spec, settings)),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown architecture kind."),
        };
    }

    private static FullyConnectedOptions FullyConnected(ArchitectureSpec spec, ModelSettings s)
    {
        long d = s.InputShape.Aggregate(1L, (a, b) => a * b);
        if (d > int.MaxValue) throw new ArgumentException($"An input of {d} features is too large for a fully connected network.", nameof(s));
        int depth = spec.Depth ?? DefaultFullyConnectedDepth;
        var options = new FullyConnectedOptions
        {
            InputDimension = (int)d,
            HiddenWidths = Enumerable.Repeat(s.Width ?? DefaultFullyConnectedWidth, depth - 1).ToArray(),
            OutputCount = s.OutputCount,
            OutputMultiplier = s.OutputMultiplier,
            Seed = s.Seed,
        };
        if (s.Parameterization is { } p) options.Parameterization = p;
        if (s.Activation is { } a) options.Activation = a;
        if (s.UseBias is { } bias) options.UseBias = bias;
        return options;
    }

    private static ConvolutionalOptions Convolutional(ArchitectureSpec spec, ModelSettings s)
    {
        int depth = spec.Depth ?? DefaultConvolutionalDepth;
        if (depth < 2) throw new ArgumentException($"A CNN needs at least one convolution and the readout (cnn-2 or deeper), got {spec}.", nameof(spec));
        var options = new ConvolutionalOptions { ChannelWidths = Enumerable.Repeat(s.Width ?? DefaultConvolutionalWidth, depth - 1).ToArray() };
        ApplyImageSettings(options, s, spec);
        if (s.Activation is { } a) options.Activation = a;
        if (s.UseBias is { } bias) options.UseBias = bias;
        return options;
    }

    private static WideResNetOptions WideResNetFor(ArchitectureSpec spec, ModelSettings s)
    {
        if (s.Width is not null)
            throw new ArgumentException($"ModelSettings.Width does not apply to Wide ResNets; give the widening factor in the name, e.g. wrn-16-{s.Width}.", nameof(s));
        var options = new WideResNetOptions();
        if (spec.Depth is { } depth) options.Depth = depth;
        if (spec.WidenFactor is { } k) options.WidenFactor = k;
        ApplyImageSettings(options, s, spec);
        if (s.Activation is { } a) options.Activation = a;
        if (s.Normalization is { } n) options.Normalization = n;
        if (s.UseBias is { } bias) options.UseConvolutionBias = bias;
        return options;
    }

    private static VisionTransformerOptions VisionTransformerFor(ArchitectureSpec spec, ModelSettings s)
    {
        var options = new VisionTransformerOptions();
        if (spec.Depth is { } depth) options.Depth = depth;
        if (s.Width is { } width) options.Width = width;
        ApplyImageSettings(options, s, spec);
        if (s.Activation is { } a) options.Activation = a;
        if (s.UseBias is { } bias) options.UseBias = bias;
        return options;
    }

    private static void ApplyImageSettings(ImageNetworkOptions options, ModelSettings s, ArchitectureSpec spec)
    {
        if (s.InputShape.Length != 3 || s.InputShape.Any(x => x > int.MaxValue))
            throw new ArgumentException(
                $"{spec} needs an image input shape [C, H, W], got [{string.Join(", ", s.InputShape)}].", nameof(s));
        options.InputChannels = (int)s.InputShape[0];
        options.InputHeight = (int)s.InputShape[1];
        options.InputWidth = (int)s.InputShape[2];
        options.OutputCount = s.OutputCount;
        options.OutputMultiplier = s.OutputMultiplier;
        options.Seed = s.Seed;
        if (s.Parameterization is { } p) options.Parameterization = p;
    }
}
