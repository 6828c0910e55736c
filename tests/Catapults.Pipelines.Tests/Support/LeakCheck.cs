using TorchSharp;

namespace Catapults.Pipelines.Tests.Support;

public static class LeakCheck
{
    /// <summary>
    /// Runs <paramref name="warmUp"/>, then asserts that <paramref name="action"/> leaves the number of live tensors on
    /// this thread (TorchSharp's dispose-scope statistics) unchanged.
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
