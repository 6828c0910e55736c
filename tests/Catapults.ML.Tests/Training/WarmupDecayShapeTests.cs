using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// The decay shapes of WarmupDecaySchedule away from the midpoint, where 1 − t and t (or 1 ± cos) coincide.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class WarmupDecayShapeTests
{
    [Test]
    public void LinearDecayFallsFromThePeak()
    {
        var s = new WarmupDecaySchedule(2.0, warmupSteps: 0, totalSteps: 10, DecayKind.Linear);
        Assert.That(s.LearningRateAt(0), Is.EqualTo(2.0).Within(1e-12));
        Assert.That(s.LearningRateAt(2), Is.EqualTo(1.6).Within(1e-12)); // 2 · (1 − 0.2)
        Assert.That(s.LearningRateAt(9), Is.EqualTo(0.2).Within(1e-12));
    }

    [Test]
    public void CosineDecayFallsFromThePeak()
    {
        var s = new WarmupDecaySchedule(1.0, warmupSteps: 0, totalSteps: 10, DecayKind.Cosine, finalRate: 0);
        Assert.That(s.LearningRateAt(0), Is.EqualTo(1.0).Within(1e-12));
        // ½(1 + cos(0.2π)) = ½(1 + 0.80901699437) = 0.904508497
        Assert.That(s.LearningRateAt(2), Is.EqualTo(0.9045084971874737).Within(1e-12));
    }

    [Test]
    public void NoDecayStaysAtThePeakAfterTheWarmup()
    {
        var s = new WarmupDecaySchedule(1.0, warmupSteps: 2, totalSteps: 10, DecayKind.None, finalRate: 0.1);
        Assert.That(s.LearningRateAt(0), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(s.LearningRateAt(5), Is.EqualTo(1.0).Within(1e-12));
        Assert.That(s.LearningRateAt(50), Is.EqualTo(1.0).Within(1e-12));
    }
}
