using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// RunConfig.TrainingFor as documented: the full training loss is checked at every recorded step only when there is a
/// target loss to reach; otherwise the run pays for no extra full-loss passes. Found by mutation testing (7 Dec 2026, round 27B).
/// </summary>
public sealed class RunConfigTests
{
    [Test]
    public void TheFullLossIsCheckedAtEveryRecordOnlyWithATargetLoss()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RunConfig.TrainingFor(0.1, 10, 100, 0, recordEvery: 5, targetLoss: 0.01).FullLossEvery, Is.EqualTo(5));
            Assert.That(RunConfig.TrainingFor(0.1, 10, 100, 0, recordEvery: 5).FullLossEvery, Is.Zero);
        });
    }
}
