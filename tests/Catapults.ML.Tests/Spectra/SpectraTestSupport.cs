using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Spectra;

/// <summary>Shared helpers of the spectra tests: seeded inputs, float64 weights, and a model that is not fully connected.</summary>
internal static class SpectraTestSupport
{
    public static Tensor Inputs(int n, int d, long seed)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        return torch.randn(new long[] { n, d }, generator: g);
    }

    public static Tensor Float64(Tensor t) => t.detach().to(ScalarType.Float64).cpu();

    /// <summary>The standard linear model f(x) = wᵀx + c, whose NTK is XXᵀ + 11ᵀ at every weight.</summary>
    public static FullyConnectedNetwork StandardLinear(int d, long seed) => new(new FullyConnectedOptions
        { InputDimension = d, HiddenWidths = Array.Empty<int>(), Parameterization = Parameterization.Standard, Seed = seed });

    /// <summary>n Gaussian inputs in d dimensions with Gaussian targets.</summary>
    public static TensorDataset RandomRegression(int n, int d, long seed, int outputs = 1)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        return new TensorDataset(torch.randn(new long[] { n, d }, generator: g), torch.randn(new long[] { n, outputs }, generator: g));
    }

    /// <summary>K = XXᵀ + 11ᵀ of the standard linear model, float64.</summary>
    public static Tensor LinearKernel(Tensor x)
    {
        var xd = Float64(x);
        return xd.mm(xd.t()) + 1.0;
    }

    /// <summary>A random symmetric matrix with the given eigenvalues (float64), and its eigenvectors.</summary>
    public static Tensor WithSpectrum(double[] eigenvalues, long seed)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        int n = eigenvalues.Length;
        using var scope = torch.NewDisposeScope();
        var (q, _) = torch.linalg.qr(torch.randn(new long[] { n, n }, ScalarType.Float64, generator: g));
        var a = torch.mm(torch.mm(q, torch.diag(torch.tensor(eigenvalues, ScalarType.Float64))), q.t());
        return ((a + a.t()) * 0.5).MoveToOuterDisposeScope();
    }

    /// <summary>The dense float64 eigen-decomposition sorted by decreasing eigenvalue.</summary>
    public static (double[] Values, Tensor Vectors) EighDescending(Tensor symmetric)
    {
        using var scope = torch.NewDisposeScope();
        var (values, vectors) = torch.linalg.eigh(symmetric.to(ScalarType.Float64));
        var flipped = vectors.flip(1);
        return (values.flip(0).cpu().data<double>().ToArray(), flipped.MoveToOuterDisposeScope());
    }
}

/// <summary>
/// A model that is not a <see cref="FullyConnectedNetwork"/>: f(x) = v·tanh(U x) + c·(x₁ x₂) with a scalar c,
/// two outputs sharing U. It exercises the generic (explicit and matrix-free) paths.
/// </summary>
internal sealed class OddModel : NetworkModule
{
    private readonly TorchSharp.Modules.Parameter _u;
    private readonly TorchSharp.Modules.Parameter _v;
    private readonly TorchSharp.Modules.Parameter _c;
    private readonly int _d;

    public OddModel(int d, int hidden, long seed) : base(nameof(OddModel))
    {
        _d = d;
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Initialization);
        _u = new TorchSharp.Modules.Parameter(torch.randn(new long[] { hidden, d }, generator: g).div_(Math.Sqrt(d)));
        _v = new TorchSharp.Modules.Parameter(torch.randn(new long[] { 2, hidden }, generator: g).div_(Math.Sqrt(hidden)));
        _c = new TorchSharp.Modules.Parameter(torch.tensor(0.7f));
        RegisterComponents();
    }

    public override long[] InputShape => new long[] { _d };
    public override int OutputCount => 2;
    public override string Describe() => "odd test model";

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = ReshapeInput(input);
        var h = torch.tanh(nn.functional.linear(x, _u));
        var y = nn.functional.linear(h, _v) + (_c * x[.., 0] * x[.., 1]).unsqueeze(1);
        return y.MoveToOuterDisposeScope();
    }
}
