using System.Globalization;
using Catapults.ML.Runtime;
using TorchSharp.Modules;

namespace Catapults.ML.Models;

/// <summary>
/// A fully connected network f(x) = m · L_D(σ(… σ(L_1 x))), of any depth and width, where each L is a
/// <see cref="ScaledLinear"/> and m the output multiplier. With no hidden layers it is a linear model.
/// </summary>
public sealed class FullyConnectedNetwork : NetworkModule, IDenseLayerChain
{
    private readonly ModuleList<ScaledLinear> layers;
    private readonly int inputDimension;
    private readonly int[] hiddenWidths;
    private readonly int outputCount;
    private readonly ActivationKind activation;
    private readonly bool useBias;
    private readonly Parameterization parameterization;
    private readonly double outputMultiplier;
    private readonly long seed;

    /// <summary>Builds and initialises the network from <paramref name="options"/>.</summary>
    public FullyConnectedNetwork(FullyConnectedOptions options) : base(nameof(FullyConnectedNetwork))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // The module keeps its own sizes: a later edit of the caller's options object changes nothing here.
        inputDimension = options.InputDimension;
        hiddenWidths = (int[])options.HiddenWidths.Clone();
        outputCount = options.OutputCount;
        activation = options.Activation;
        useBias = options.UseBias;
        parameterization = options.Parameterization;
        outputMultiplier = options.OutputMultiplier;
        seed = options.Seed;
        using var generator = Seeding.TorchGenerator(options.Seed, Seeding.Stream.Initialization);
        var widths = new List<int> { options.InputDimension };
        widths.AddRange(options.HiddenWidths);
        widths.Add(options.OutputCount);
        var list = new List<ScaledLinear>();
        for (int i = 0; i + 1 < widths.Count; i++)
        {
            bool readout = i + 2 == widths.Count;
            list.Add(new ScaledLinear($"layer{i}", widths[i], widths[i + 1], options.UseBias, options.Parameterization, readout, generator));
        }
        layers = nn.ModuleList(list.ToArray());
        RegisterComponents();
    }

    /// <summary>The options the network was built with, seed included (a fresh copy on every call).</summary>
    public FullyConnectedOptions Options => new()
    {
        InputDimension = inputDimension, HiddenWidths = (int[])hiddenWidths.Clone(), OutputCount = outputCount, Activation = activation,
        UseBias = useBias, Parameterization = parameterization, OutputMultiplier = outputMultiplier, Seed = seed,
    };

    /// <summary>The linear layers, input first; the last is the readout.</summary>
    public IReadOnlyList<ScaledLinear> Layers => layers.ToList();

    /// <summary>The nonlinearity between layers.</summary>
    public ActivationKind Activation => activation;

    /// <summary>The output multiplier m.</summary>
    public double OutputMultiplier => outputMultiplier;

    /// <inheritdoc />
    public override long[] InputShape => new long[] { inputDimension };

    /// <inheritdoc />
    public override int OutputCount => outputCount;

    /// <inheritdoc />
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture,
        $"FCN {string.Join("-", hiddenWidths.Prepend(inputDimension).Append(outputCount))}, " +
        $"{activation}, {parameterization}, bias={(useBias ? "on" : "off")}, " +
        $"output×{outputMultiplier:G4}");

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var h = ReshapeInput(input);
        for (int i = 0; i < layers.Count; i++)
        {
            h = layers[i].forward(h);
            if (i + 1 < layers.Count) h = Activations.Apply(activation, h);
        }
        if (outputMultiplier != 1.0) h = KeptScalars.Times(h, outputMultiplier);
        return h.MoveToOuterDisposeScope();
    }
}
