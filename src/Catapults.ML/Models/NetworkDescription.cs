using System.Globalization;
using System.Text.Json.Serialization;

namespace Catapults.ML.Models;

/// <summary>
/// The description of a network, for every architecture: the <see cref="ArchitectureSpec"/> name and the settings all
/// architectures share. The one network description of the library: the engine builds from it
/// (<see cref="Build"/>), and the ML.NET trainers' options and the study's run configuration embed it. Immutable and
/// JSON-serialisable (enums by name); unset (null) settings take the architecture's default, declared once in
/// <see cref="ModelFactory"/>. The input shape, the output count and the seed come from the data and the run, so they
/// are arguments of <see cref="Build"/>, not part of the description.
/// </summary>
public sealed record NetworkDescription
{
    /// <summary>The paper's network: the 2-layer fully connected network <c>fcn-2</c> at the default width.</summary>
    public static NetworkDescription Default { get; } = new();

    /// <summary>
    /// Architecture name (see <see cref="ArchitectureSpec"/>): <c>fcn-D</c>, <c>cnn-D</c>, <c>wrn-D-K</c> or
    /// <c>vit-D</c>; default <c>fcn-2</c>, the paper's 2-layer network.
    /// </summary>
    public string Architecture { get; init; } = "fcn-2";

    /// <summary>
    /// Width: the hidden width of a fully connected network (default <see cref="ModelFactory.DefaultFullyConnectedWidth"/>),
    /// the channels of every convolution of a CNN (default <see cref="ModelFactory.DefaultConvolutionalWidth"/>) or the
    /// token width of a ViT (default 128). A Wide ResNet's width is its widening factor, given in its name
    /// (<c>wrn-16-8</c>), so setting this for one is an error. Default null: the architecture's default.
    /// </summary>
    public int? Width { get; init; }

    /// <summary>
    /// Whether the layers have biases; default null: the architecture's default (on for fully connected networks, CNNs
    /// and ViTs, off in a Wide ResNet's convolutions; its readout always has one). The paper's network has none.
    /// </summary>
    public bool? UseBias { get; init; }

    /// <summary>Nonlinearity; default null: the architecture's default (ReLU for fcn and cnn).</summary>
    public ActivationKind? Activation { get; init; }

    /// <summary>Parameterisation; default null: the architecture's default (NTK for fcn and cnn, standard for wrn).</summary>
    public Parameterization? Parameterization { get; init; }

    /// <summary>Normalisation of a Wide ResNet; default null: GroupNorm. Setting it for another architecture is an error.</summary>
    public NormalizationKind? Normalization { get; init; }

    /// <summary>Multiplier m applied to the network's output; default 1. (The γ study uses 1/γ.)</summary>
    public double OutputMultiplier { get; init; } = 1.0;

    /// <summary>The parsed <see cref="Architecture"/>.</summary>
    /// <exception cref="ArgumentException">The name is not an architecture; the message lists the accepted forms.</exception>
    [JsonIgnore]
    public ArchitectureSpec Spec => ArchitectureSpec.Parse(Architecture);

    /// <summary>
    /// Builds the network for inputs of shape <paramref name="inputShape"/> with <paramref name="outputCount"/>
    /// outputs, initialised from <paramref name="seed"/> (the same seed gives the same weights).
    /// </summary>
    /// <exception cref="ArgumentException">The description does not fit the architecture or the shape; the message names the setting.</exception>
    public NetworkModule Build(long[] inputShape, int outputCount, long seed) => ModelFactory.Create(this, inputShape, outputCount, seed);

    /// <summary>The width in force: <see cref="Width"/>, or the architecture's default (null for a Wide ResNet).</summary>
    [JsonIgnore]
    public int? EffectiveWidth => Width ?? ModelFactory.DefaultWidth(Spec.Kind);

    /// <summary>A short description for reports, e.g. "fcn-2 (width 1024, no biases)".</summary>
    public string Describe() =>
        $"{Architecture} (width {EffectiveWidth?.ToString(CultureInfo.InvariantCulture) ?? "default"}{(UseBias == false ? ", no biases" : "")})";
}
