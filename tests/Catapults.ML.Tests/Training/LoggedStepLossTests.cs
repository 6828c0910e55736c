using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): <see cref="LoggedStep.Loss"/>, the series a loss curve or a catapult detector
/// reads, is the full training loss where the trainer computed it and the batch loss elsewhere; reading the batch loss
/// always went unnoticed.
/// </summary>
public sealed class LoggedStepLossTests
{
    [Test]
    public void TheLossIsTheFullTrainingLossWhereKnownElseTheBatchLoss()
    {
        Assert.That(new LoggedStep(0, 0, 0.1, BatchLoss: 2.5, BatchSize: 4, FullTrainingLoss: 1.5).Loss, Is.EqualTo(1.5));
        Assert.That(new LoggedStep(1, 0, 0.1, BatchLoss: 2.5, BatchSize: 4, FullTrainingLoss: null).Loss, Is.EqualTo(2.5));
    }
}
