using Catapults.ML.Models;
using Catapults.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = Catapults.ML.Data.TensorDataset;

namespace Catapults.ML.Tests.Support;

/// <summary>
/// Linear least squares on anisotropic inputs: a closed form for the curvature probes and the subspace projections,
/// since a bias-free linear model in the standard parameterisation has the loss Hessian H = (2/n) XᵀX exactly.
/// </summary>
public static class LeastSquares
{
    /// <summary>Standard normal values from the data stream of <paramref name="seed"/>.</summary>
    public static Tensor Randn(long seed, params long[] shape)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        return torch.randn(shape, generator: g);
    }

    /// <summary>
    /// n samples of d inputs scaled from 3 down to 0.3 (so the Hessian has a clear top eigenspace), random targets,
    /// a linear network seeded with <paramref name="seed"/>, and the exact Hessian in float64 (in the caller's dispose scope).
    /// </summary>
    public static (FullyConnectedNetwork Net, TensorDataset Data, Tensor Hessian) Problem(int d, int n, long seed)
    {
        var x = Randn(seed, n, d) * torch.linspace(3.0, 0.3, d);
        var y = Randn(seed + 1, n, 1);
        var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = d, HiddenWidths = Array.Empty<int>(), OutputCount = 1, UseBias = false,
            Parameterization = Parameterization.Standard, Seed = seed,
        });
        var xd = x.to(ScalarType.Float64);
        var hessian = torch.mm(xd.t(), xd) * (2.0 / n);
        return (net, new TensorDataset(x, y, "least-squares"), hessian);
    }

    /// <summary>
    /// The gradient of L = (1/n) Σᵢ (wᵀxᵢ + b − yᵢ)² in float64, by hand: ∂L/∂w = (2/n) Σ rᵢ xᵢ and ∂L/∂b = (2/n) Σ rᵢ,
    /// for n rows of <paramref name="x"/> (row-major, d = w.Length values each, already scaled as the model scales them).
    /// </summary>
    public static (double[] W, double B) Gradient(double[] x, double[] y, double[] w, double b = 0)
    {
        int n = y.Length, d = w.Length;
        var gw = new double[d];
        double gb = 0;
        for (int i = 0; i < n; i++)
        {
            double r = b - y[i];
            for (int j = 0; j < d; j++) r += x[i * d + j] * w[j];
            for (int j = 0; j < d; j++) gw[j] += 2.0 / n * r * x[i * d + j];
            gb += 2.0 / n * r;
        }
        return (gw, gb);
    }
}
