using System.Globalization;
using Catapults.ML.Runtime;
using TorchSharp.Modules;

namespace Catapults.ML.Models;

/// <summary>
/// A centred network with feature-learning strength γ: f(x) = (f_w(x) − f_{w₀}(x)) / γ, where f_w is a trainable
/// <see cref="NetworkModule"/> and f_{w₀} a frozen copy of it at its initial weights. The output is exactly 0 at
/// initialisation, so dividing by a small γ does not blow up the initial output (the lazy limit), and the fit starts
/// from the zero function for every γ (Atanasov, Meterez, Simon and Pehlevan, "The Optimization Landscape of SGD
/// Across the Feature Learning Strength", 2024).
/// </summary>
/// <remarks>
/// <para>
/// The copy is made with a factory rather than by cloning a module: the factory is called twice, and the second
/// module receives the first one's parameters and buffers (matched by name and shape). This works for every
/// architecture, needs no deep-copy support from TorchSharp, and does not rely on the factory being seeded.
/// </para>
/// <para>
/// The frozen copy is a registered sub-module (so <c>to(device)</c>, <c>train()</c>/<c>eval()</c> and state
/// dictionaries cover it) but its parameters have <c>requires_grad = false</c>, so
/// <see cref="NetworkModule.TrainableParameters"/>, optimisers, NTKs and Hessians see only the live weights. It runs
/// in the same mode as the live network, so the difference is exactly zero at initialisation even for layers that
/// depend on the batch (in training mode such layers also update the copy's running statistics, as they do the live
/// network's). Its forward runs without autograd: f_{w₀} is a constant of the parameters.
/// </para>
/// </remarks>
public sealed class CenteredNetwork : NetworkModule
{
    private readonly NetworkModule network;
    private readonly NetworkModule initial;

    /// <summary>
    /// Builds the live network and its frozen initial copy by calling <paramref name="factory"/> twice (it must
    /// return two distinct modules of the same architecture), and divides the centred output by
    /// <paramref name="gamma"/>.
    /// </summary>
    public CenteredNetwork(Func<NetworkModule> factory, double gamma = 1.0) : base(nameof(CenteredNetwork))
    {
        ArgumentNullException.ThrowIfNull(factory);
        Gamma = FeatureStrength.ValidateGamma(gamma);
        network = factory() ?? throw new ArgumentException("The factory returned null.", nameof(factory));
        initial = factory() ?? throw new ArgumentException("The factory returned null.", nameof(factory));
        if (ReferenceEquals(network, initial))
            throw new ArgumentException("The factory must build a new module on each call; it returned the same instance twice.", nameof(factory));
        if (network.GetType() != initial.GetType())
            throw new ArgumentException(
                $"The factory built a {network.GetType().Name} and then a {initial.GetType().Name}; the copy must have the same architecture.",
                nameof(factory));
        CopyState(network, initial);
        foreach (var (_, p) in initial.named_parameters()) p.requires_grad = false;
        initial.train(network.training);
        RegisterComponents();
    }

    /// <summary>The feature-learning strength γ: the centred output is divided by it.</summary>
    public double Gamma { get; }

    /// <summary>The multiplier 1/γ applied to the centred output.</summary>
    public double OutputMultiplier => 1.0 / Gamma;

    /// <summary>The trainable network f_w.</summary>
    public NetworkModule Network => network;

    /// <summary>The frozen copy f_{w₀} at the initial weights (no trainable parameters).</summary>
    public NetworkModule InitialNetwork => initial;

    /// <inheritdoc />
    public override long[] InputShape => network.InputShape;

    /// <inheritdoc />
    public override int OutputCount => network.OutputCount;

    /// <inheritdoc />
    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"centred ({network.Describe()}) / γ, γ = {Gamma:G4}");

    /// <summary>The live and the frozen initial weights: the centred output depends on both.</summary>
    public override IReadOnlyList<(string Name, Parameter Parameter)> StoredParameters()
    {
        ThrowIfDisposed();
        return named_parameters().Select(p => (p.name, p.parameter)).ToList();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        // Not under no_grad: f_{w₀} is constant in the weights (its copy requires no gradient, so training builds no graph
        // for it), but not in the input, and input gradients (the AGOP) are of f_w − f_{w₀}.
        var centred = network.forward(input) - initial.forward(input);
        if (Gamma != 1.0) centred = KeptScalars.Times(centred, OutputMultiplier);
        return centred.MoveToOuterDisposeScope();
    }

    private static void CopyState(NetworkModule source, NetworkModule target)
    {
        var from = source.named_parameters().ToList();
        var to = target.named_parameters().ToList();
        CheckSameLayout(from.Select(p => (p.name, p.parameter.shape)).ToList(), to.Select(p => (p.name, p.parameter.shape)).ToList(), "parameters");
        var bufferFrom = source.named_buffers().ToList();
        var bufferTo = target.named_buffers().ToList();
        CheckSameLayout(bufferFrom.Select(b => (b.name, b.buffer.shape)).ToList(), bufferTo.Select(b => (b.name, b.buffer.shape)).ToList(), "buffers");
        using var noGrad = torch.no_grad();
        for (int i = 0; i < from.Count; i++) to[i].parameter.copy_(from[i].parameter);
        for (int i = 0; i < bufferFrom.Count; i++) bufferTo[i].buffer.copy_(bufferFrom[i].buffer);
    }

    private static void CheckSameLayout(List<(string Name, long[] Shape)> from, List<(string Name, long[] Shape)> to, string what)
    {
        if (from.Count != to.Count)
            throw new ArgumentException($"The factory's two modules have different numbers of {what} ({from.Count} and {to.Count}).", "factory");
        for (int i = 0; i < from.Count; i++)
            if (from[i].Name != to[i].Name || !from[i].Shape.SequenceEqual(to[i].Shape))
                throw new ArgumentException(
                    $"The factory's two modules differ at {what} #{i}: {from[i].Name} [{string.Join(", ", from[i].Shape)}] vs " +
                    $"{to[i].Name} [{string.Join(", ", to[i].Shape)}].", "factory");
    }
}
