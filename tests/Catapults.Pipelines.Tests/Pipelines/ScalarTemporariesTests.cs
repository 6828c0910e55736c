using Catapults.ML.Tests.Support;
using Catapults.Pipelines.Trainers;

namespace Catapults.Pipelines.Tests.Pipelines;

/// <summary>The ML.NET face hands libtorch no number as a temporary Scalar: its arithmetic goes through the engine's.</summary>
public class ScalarTemporariesTests
{
    [Test]
    public void ThePipelinesHandLibtorchNoScalarThatNothingHolds()
    {
        var found = ScalarTemporaries.Find(typeof(TorchNetworkRegressionTrainer).Assembly);
        Assert.That(found, Is.Empty, "Numbers passed to libtorch as temporary Scalars:\n" + string.Join("\n", found));
    }
}
