using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Support;

/// <summary>Assertions on tensors and on native-memory discipline.</summary>
public static class TensorAssert
{
    public static void AllClose(Tensor actual, Tensor expected, double rtol, double atol, string? what = null)
    {
        Assert.That(actual.shape, Is.EqualTo(expected.shape), $"{what}: shape");
        using var a = actual.to_type(ScalarType.Float64).cpu();
        using var e = expected.to_type(ScalarType.Float64).cpu();
        using var diff = (a - e).abs();
        using var tol = e.abs() * rtol + atol;
        using var bad = diff.gt(tol);
        if (bad.any().ToBoolean())
        {
            using var excess = diff - tol;
            long worst = excess.flatten().argmax().ToInt64();
            Assert.Fail($"{what}: {bad.sum().ToInt64()} of {a.numel()} entries differ; worst at flat index {worst}: " +
                        $"{a.flatten()[worst].ToDouble()} vs {e.flatten()[worst].ToDouble()} (rtol {rtol}, atol {atol}).");
        }
    }

    public static double[] ToArray(Tensor t) => t.to_type(ScalarType.Float64).cpu().data<double>().ToArray();

    /// <summary>
    /// Runs <paramref name="action"/> after a warm-up and asserts that the number of live tensors on this thread
    /// (TorchSharp's dispose-scope statistics) is the same afterwards.
    /// </summary>
    public static void NoLeak(Action warmUp, Action action, string what)
    {
        warmUp();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        action();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.That(after - before, Is.EqualTo(0), $"{what}: live tensors grew from {before} to {after}.");
    }
}
