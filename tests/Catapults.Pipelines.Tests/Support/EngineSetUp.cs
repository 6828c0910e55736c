using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Tests.Support;

[SetUpFixture]
public sealed class EngineSetUp
{
    [OneTimeSetUp]
    public void LoadEngine() => TorchRuntime.EnsureLoaded();
}
