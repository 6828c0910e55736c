using Catapults.ML.Models;
using Catapults.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = Catapults.ML.Data.TensorDataset;

namespace Catapults.ML.Tests.Models;

/// <summary>Tiny image networks and independent Jacobian computations shared by the architecture tests.</summary>
public static class ArchitectureTestKit
{
    /// <summary>A tiny instance of <paramref name="kind"/> on C×H×W inputs (cheap enough for per-sample Jacobians).</summary>
    public static NetworkModule Tiny(ArchitectureKind kind, long seed = 0, int height = 16, int width = 16, int outputs = 2,
        ActivationKind? activation = null, Parameterization? parameterization = null, double outputMultiplier = 1.0,
        NormalizationKind normalization = NormalizationKind.GroupNorm)
    {
        switch (kind)
        {
            case ArchitectureKind.Convolutional:
            {
                var o = new ConvolutionalOptions
                {
                    InputHeight = height, InputWidth = width, OutputCount = outputs, ChannelWidths = new[] { 8, 8 },
                    Seed = seed, OutputMultiplier = outputMultiplier,
                };
                if (activation is { } a) o.Activation = a;
                if (parameterization is { } p) o.Parameterization = p;
                return new ConvolutionalNetwork(o);
            }
            case ArchitectureKind.WideResNet:
            {
                var o = new WideResNetOptions
                {
                    InputHeight = height, InputWidth = width, OutputCount = outputs, Depth = 10, WidenFactor = 1, BaseWidth = 8,
                    GroupCount = 4, Normalization = normalization, Seed = seed, OutputMultiplier = outputMultiplier,
                };
                if (activation is { } a) o.Activation = a;
                if (parameterization is { } p) o.Parameterization = p;
                return new WideResNet(o);
            }
            case ArchitectureKind.VisionTransformer:
            {
                var o = new VisionTransformerOptions
                {
                    InputHeight = height, InputWidth = width, OutputCount = outputs, Width = 32, Depth = 1, HeadCount = 4,
                    Seed = seed, OutputMultiplier = outputMultiplier,
                };
                if (activation is { } a) o.Activation = a;
                if (parameterization is { } p) o.Parameterization = p;
                return new VisionTransformer(o);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an image architecture.");
        }
    }

    /// <summary>Images [n, 3, H, W] ~ N(0, 1) from a seeded stream.</summary>
    public static Tensor Images(int n, long seed, int height = 16, int width = 16)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        return torch.randn(new long[] { n, 3, height, width }, generator: g);
    }

    /// <summary>
    /// A CIFAR-shaped regression fixture: random images and a learnable target, a smooth teacher of the image at
    /// quarter resolution, y = tanh(4·P(x) W / √d'), where P averages 4×4 blocks (d' = 3·H/4·W/4 features of
    /// variance 1/16) and W [d', O] is fixed and random. Like real labels, it depends on coarse image structure.
    /// </summary>
    public static TensorDataset CifarShaped(int n, int outputs, long seed, int height = 32, int width = 32)
    {
        using var scope = torch.NewDisposeScope();
        var x = Images(n, seed, height, width);
        var coarse = nn.functional.avg_pool2d(x, 4).reshape(n, -1);
        long d = coarse.shape[1];
        using var g = Seeding.TorchGenerator(seed + 1000, Seeding.Stream.Data);
        var w = torch.randn(new long[] { d, outputs }, generator: g);
        var y = torch.tanh(torch.mm(coarse, w) * (4 / Math.Sqrt(d)));
        return new TensorDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), "cifar-shaped fixture");
    }

    /// <summary>The trainable parameters as plain tensors, in the model's stable order.</summary>
    public static List<Tensor> Parameters(NetworkModule model) => model.TrainableParameters().Select(p => (Tensor)p.Parameter).ToList();

    /// <summary>
    /// The NTK column data of sample <paramref name="sample"/>: the Jacobian rows ∂f_c(x_i)/∂θ for every output c, [O, P],
    /// computed by autograd on f(x_i) inside the batch <paramref name="x"/>.
    /// </summary>
    public static Tensor JacobianRows(NetworkModule model, Tensor x, int sample)
    {
        var parameters = Parameters(model);
        using var scope = torch.NewDisposeScope();
        var y = model.forward(x);
        var rows = new List<Tensor>();
        for (int c = 0; c < model.OutputCount; c++)
        {
            var grads = torch.autograd.grad(new[] { y[sample, c] }, parameters, retain_graph: true);
            rows.Add(torch.cat(grads.Select(t => t.flatten()).ToArray()));
        }
        return torch.stack(rows).detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ∂(Σ_c f_c(x_i))/∂X for the whole batch X, [n, d]: row i is the input gradient of sample i, every other row should
    /// be exactly zero when samples do not interact.
    /// </summary>
    public static Tensor InputGradientOfSample(NetworkModule model, Tensor x, int sample)
    {
        using var scope = torch.NewDisposeScope();
        var flat = x.reshape(x.shape[0], -1).detach().clone().requires_grad_();
        var y = model.forward(flat);
        var g = torch.autograd.grad(new[] { y[sample].sum() }, new[] { flat })[0];
        return g.detach().MoveToOuterDisposeScope();
    }

    /// <summary>A copy of <paramref name="x"/> in which every sample except <paramref name="keep"/> is replaced by fresh noise.</summary>
    public static Tensor ReplaceOthers(Tensor x, int keep, long seed)
    {
        using var scope = torch.NewDisposeScope();
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        var fresh = torch.randn(x.shape, generator: g) * 3 + 1;
        var mask = torch.zeros(x.shape[0], dtype: ScalarType.Bool);
        mask[keep] = torch.tensor(true);
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        return torch.where(mask.view(shape), x, fresh).MoveToOuterDisposeScope();
    }

    /// <summary>Random unit direction in parameter space, one tensor per parameter.</summary>
    public static List<Tensor> RandomDirection(NetworkModule model, long seed)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Diagnostics);
        var parts = Parameters(model).Select(p => torch.randn(p.shape, generator: g).to_type(p.dtype).DetachFromDisposeScope()).ToList();
        double norm = Math.Sqrt(parts.Sum(t => t.square().sum().ToDouble()));
        foreach (var t in parts) t.div_(norm);
        return parts;
    }

    /// <summary>f(θ + h·u), evaluated without autograd, with the parameters restored exactly afterwards.</summary>
    public static Tensor OutputAtShift(NetworkModule model, Tensor x, IReadOnlyList<Tensor> direction, double h)
    {
        var parameters = Parameters(model);
        using var noGrad = torch.no_grad();
        var saved = parameters.Select(p => p.clone()).ToList();
        try
        {
            for (int k = 0; k < parameters.Count; k++) parameters[k].add_(direction[k], alpha: h);
            return model.forward(x);
        }
        finally
        {
            for (int k = 0; k < parameters.Count; k++) parameters[k].copy_(saved[k]);
            foreach (var t in saved) t.Dispose();
        }
    }
}
