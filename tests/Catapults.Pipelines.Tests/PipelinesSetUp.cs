using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Tests;

[SetUpFixture]
public sealed class PipelinesSetUp
{
    [OneTimeSetUp]
    public void LoadEngine() => TorchRuntime.EnsureLoaded();
}
