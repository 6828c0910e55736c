using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Tests.Support;

[SetUpFixture]
public sealed class EngineSetUp
{
    // One libtorch thread: the tests' networks are tiny, and on a shared 2-core machine a second intra-op thread
    // makes each step several times slower (measured: 312 steps of a width-1024 net, 1.6 s with 2 threads, 0.18 s with 1).
    [OneTimeSetUp]
    public void LoadEngine() => TorchRuntime.Configure(new RuntimeOptions { Threads = 1 });
}
