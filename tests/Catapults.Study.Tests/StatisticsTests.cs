using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// The spread every "mean ± sd" of the study's reports prints. Found by mutation testing (5 Dec 2026): the tests only
/// ever saw a spread of 0, so a population sd (÷ n) in place of the sample sd (÷ (n − 1)) went unnoticed.
/// </summary>
public sealed class StatisticsTests
{
    [Test]
    public void MeanSdIsTheSampleStandardDeviationOfTheFiniteValues()
    {
        // 1, 2, 3, 4: mean 2.5, squared deviations 5 over n − 1 = 3. The null and NaN are left out.
        var (mean, sd, count) = Statistics.MeanSd(new double?[] { 1, null, 2, double.NaN, 3, 4 });
        Assert.That(count, Is.EqualTo(4));
        Assert.That(mean, Is.EqualTo(2.5));
        Assert.That(sd, Is.EqualTo(Math.Sqrt(5.0 / 3)).Within(1e-15));
        Assert.That(Statistics.Format(new double?[] { 1, 2, 3, 4 }), Is.EqualTo("2.5 ± 1.29"));
    }
}
