using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>
/// Builds any network of the engine from a <see cref="NetworkDescription"/> (an <see cref="ArchitectureSpec"/> name
/// such as <c>fcn</c>, <c>cnn-5</c>, <c>wrn-16-4</c> or <c>vit-4</c>, and the settings every architecture shares) and
/// the data's input shape and output count, and declares each architecture's defaults once.
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

    /// <summary>
    /// The width an architecture gets when its description leaves it unset: the hidden width of <c>fcn</c>, the
    /// channels of <c>cnn</c>, the token width of <c>vit</c>; null for a Wide ResNet, whose width is its widening factor.
    /// </summary>
    public static int? DefaultWidth(ArchitectureKind kind) => kind switch
    {
        ArchitectureKind.FullyConnected => DefaultFullyConnectedWidth,
        ArchitectureKind.Convolutional => DefaultConvolutionalWidth,
        ArchitectureKind.VisionTransformer => DefaultVisionTransformer.Width,
        _ => null,
    };

    /// <summary>The parameterisation an architecture gets when its description leaves it unset.</summary>
    public static Parameterization DefaultParameterization(ArchitectureKind kind) => kind switch
    {
        ArchitectureKind.FullyConnected => new FullyConnectedOptions().Parameterization,
        ArchitectureKind.Convolutional => new ConvolutionalOptions().Parameterization,
        ArchitectureKind.WideResNet => DefaultWideResNet.Parameterization,
        ArchitectureKind.VisionTransformer => DefaultVisionTransformer.Parameterization,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown architecture kind."),
    };

    /// <summary>Wide ResNet defaults (read-only use).</summary>
    internal static WideResNetOptions DefaultWideResNet { get; } = new();

    /// <summary>Vision Transformer defaults (read-only use).</summary>
    internal static VisionTransformerOptions DefaultVisionTransformer { get; } = new();

    /// <summary>
    /// Builds the network <paramref name="network"/> describes for inputs of shape <paramref name="inputShape"/>
    /// ([C, H, W] for image networks; any shape for a fully connected network, which flattens it) with
    /// <paramref name="outputCount"/> outputs, initialised from <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The description does not fit the architecture or the shape; the message names the setting.</exception>
    public static NetworkModule Create(NetworkDescription network, long[] inputShape, int outputCount, long seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        var spec = ArchitectureSpec.Parse(network.Architecture);
        CheckInputShape(inputShape);
        if (network.Normalization is not null && spec.Kind != ArchitectureKind.WideResNet)
            throw new ArgumentException($"Normalization applies to Wide ResNets only, not to {spec}.", nameof(network));
        var settings = new Request(network, inputShape, outputCount, seed);

        try
        {
            return spec.Kind switch
            {
                ArchitectureKind.FullyConnected => new FullyConnectedNetwork(FullyConnected(spec, settings)),
                ArchitectureKind.Convolutional => new ConvolutionalNetwork(Convolutional(spec, settings)),
                ArchitectureKind.WideResNet => new WideResNet(WideResNetFor(spec, settings)),
                ArchitectureKind.VisionTransformer => new VisionTransformer(VisionTransformerFor(spec, settings)),
                _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown architecture kind."),
            };
        }
        catch (System.Runtime.InteropServices.ExternalException ex)
        {
            // The image architectures' weights are checked against an upper bound; past it, libtorch's allocator is
            // the judge, and its first line ("can't allocate memory: you tried to allocate … bytes") says why.
            throw new ArgumentException($"{network.Describe()} cannot be built for inputs [{string.Join(", ", inputShape)}] and {outputCount} outputs: {ErrorText.FirstLine(ex)}", nameof(network), ex);
        }
    }

    /// <summary>
    /// The number of parameters <see cref="Create"/> would allocate, without allocating them, where the architecture
    /// has a closed form: fully connected networks; null for the image architectures.
    /// </summary>
    /// <exception cref="ArgumentException">The description does not fit the shape (as <see cref="Create"/> would say).</exception>
    public static double? ParameterCount(NetworkDescription network, long[] inputShape, int outputCount)
    {
        ArgumentNullException.ThrowIfNull(network);
        var spec = ArchitectureSpec.Parse(network.Architecture);
        CheckInputShape(inputShape);
        if (spec.Kind != ArchitectureKind.FullyConnected) return null;
        var options = FullyConnected(spec, new Request(network, inputShape, outputCount, 0));
        options.ValidateShape();
        return options.ParameterCount();
    }

    /// <summary>
    /// The parameter count of <paramref name="network"/> on inputs of <paramref name="inputShape"/> and the floats one
    /// sample's forward pass keeps for the backward pass, without building it: exact in the parameters for fully
    /// connected networks, upper bounds for the image architectures (they only have to tell a size that cannot fit
    /// from one that can; <c>TrainingMemory</c> turns them into bytes).
    /// </summary>
    /// <exception cref="ArgumentException">The description does not fit the shape (as <see cref="Create"/> would say).</exception>
    public static (double Parameters, double ActivationsPerSample) SizeBound(NetworkDescription network, long[] inputShape, int outputCount)
    {
        ArgumentNullException.ThrowIfNull(network);
        var spec = ArchitectureSpec.Parse(network.Architecture);
        CheckInputShape(inputShape);
        var request = new Request(network, inputShape, outputCount, 0);
        if (spec.Kind == ArchitectureKind.FullyConnected)
        {
            var options = FullyConnected(spec, request);
            options.ValidateShape();
            return (options.ParameterCount(), options.ActivationsPerSample());
        }
        ImageNetworkOptions image = spec.Kind switch
        {
            ArchitectureKind.Convolutional => Convolutional(spec, request),
            ArchitectureKind.WideResNet => WideResNetFor(spec, request),
            _ => VisionTransformerFor(spec, request),
        };
        image.Validate();
        return image.SizeBound();
    }

    private static void CheckInputShape(long[] inputShape)
    {
        if (inputShape is null || inputShape.Length == 0 || inputShape.Any(s => s < 1))
            throw new ArgumentException(
                $"The input shape must be a non-empty list of positive sizes, got [{string.Join(", ", inputShape ?? Array.Empty<long>())}].",
                nameof(inputShape));
    }

    private static FullyConnectedOptions FullyConnected(ArchitectureSpec spec, Request s)
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

    private static ConvolutionalOptions Convolutional(ArchitectureSpec spec, Request s)
    {
        int depth = spec.Depth ?? DefaultConvolutionalDepth;
        if (depth < 2) throw new ArgumentException($"A CNN needs at least one convolution and the readout (cnn-2 or deeper), got {spec}.", nameof(spec));
        var options = new ConvolutionalOptions { ChannelWidths = Enumerable.Repeat(s.Width ?? DefaultConvolutionalWidth, depth - 1).ToArray() };
        ApplyImageSettings(options, s, spec);
        if (s.Activation is { } a) options.Activation = a;
        if (s.UseBias is { } bias) options.UseBias = bias;
        return options;
    }

    private static WideResNetOptions WideResNetFor(ArchitectureSpec spec, Request s)
    {
        if (s.Width is not null)
            throw new ArgumentException($"NetworkDescription.Width does not apply to Wide ResNets; give the widening factor in the name, e.g. wrn-{spec.Depth ?? DefaultWideResNet.Depth}-{s.Width}.", nameof(s));
        var options = new WideResNetOptions();
        if (spec.Depth is { } depth) options.Depth = depth;
        if (spec.WidenFactor is { } k) options.WidenFactor = k;
        ApplyImageSettings(options, s, spec);
        if (s.Activation is { } a) options.Activation = a;
        if (s.Normalization is { } n) options.Normalization = n;
        if (s.UseBias is { } bias) options.UseConvolutionBias = bias;
        return options;
    }

    private static VisionTransformerOptions VisionTransformerFor(ArchitectureSpec spec, Request s)
    {
        var options = new VisionTransformerOptions();
        if (spec.Depth is { } depth) options.Depth = depth;
        if (s.Width is { } width) options.Width = width;
        ApplyImageSettings(options, s, spec);
        if (s.Activation is { } a) options.Activation = a;
        if (s.UseBias is { } bias) options.UseBias = bias;
        return options;
    }

    private static void ApplyImageSettings(ImageNetworkOptions options, Request s, ArchitectureSpec spec)
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

    // The description and the data-dependent sizes of one build, read by the per-architecture helpers above.
    private sealed record Request(NetworkDescription Network, long[] InputShape, int OutputCount, long Seed)
    {
        // Checked before any architecture reads it, so a width of 0 is named as such rather than as an empty layer or a
        // Wide ResNet name with widening factor 0.
        public int? Width { get; } = Network.Width is < 1
            ? throw new ArgumentException($"NetworkDescription.Width must be at least 1 (or null for the architecture's default), got {Network.Width}.", nameof(Network))
            : Network.Width;
        public bool? UseBias => Network.UseBias;
        public ActivationKind? Activation => Network.Activation;
        public Parameterization? Parameterization => Network.Parameterization;
        public NormalizationKind? Normalization => Network.Normalization;
        public double OutputMultiplier => Network.OutputMultiplier;
    }
}
