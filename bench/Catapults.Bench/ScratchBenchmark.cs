using System.Diagnostics;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Spectra;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Bench;

public sealed class ScratchBenchmark : IBenchmark
{
    public string Name => "scratch";
    public string Description => "scratch";
    public int Run(bool quick, string? only)
    {
        int n = int.Parse(only ?? "2000");
        var (train, test) = SyntheticTask.Rank2(100).CreateSplits(n, 1, seed: 0);
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 100, HiddenWidths = new[] { 1024 } });
        using var op = NeuralTangentKernel.CreateOperator(net, train.Features, new NtkOptions { Method = NtkMethod.LayerWise });
        var k = op.Kernel!;
        var v64 = torch.randn(n, dtype: ScalarType.Float64);
        var v32 = torch.randn(n);
        var v32c = torch.randn(n, 1);
        for (int r = 0; r < 3; r++)
        {
            double T(Action a) { var sw = Stopwatch.StartNew(); for (int i = 0; i < 45; i++) { using var s = torch.NewDisposeScope(); a(); } return sw.Elapsed.TotalMilliseconds / 45; }
            double apply = T(() => op.Apply(v64));
            double mm = T(() => torch.mm(k, v32c));
            double mv = T(() => torch.mv(k, v32));
            double matmul = T(() => torch.matmul(v32, k));
            var sw2 = Stopwatch.StartNew();
            using var eig = LanczosEigensolver.Solve(op, 5);
            double solve = sw2.Elapsed.TotalMilliseconds;
            Console.WriteLine($"per product ms: Apply {apply:F3}, mm {mm:F3}, mv {mv:F3}, vᵀK {matmul:F3}; solve {solve:F1} ms ({eig.OperatorApplications})");
        }
        return 0;
    }
}
