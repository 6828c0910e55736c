using Catapults.ML.Data;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// The staircase follow-up's settings as its summary states them: the rank-4 task at the two largest γ above 1 of the
/// depth-2 grid (one when only one lies above 1, none when none does), at least four input coordinates, twice the
/// study's base budget and one seed. Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class StaircaseFollowUpTests
{
    private static double[] Gammas(FeatureStrengthSettings s) => s.Gammas();

    [Test]
    public void TheQuickStudysFollowUpRunsItsTwoLargestGammasAtTwiceTheBudget()
    {
        var study = FeatureStrengthSettings.Quick with { Seeds = 3 };
        var stairs = StaircaseFollowUp.Settings(study, study.ForDepth(2))!;
        Assert.Multiple(() =>
        {
            Assert.That(Gammas(stairs), Is.EqualTo(new[] { 10.0, 100.0 }).Within(1e-9), "the two largest of 0.01 … 100");
            Assert.That(stairs.Task, Is.EqualTo(SyntheticTaskKind.Rank4));
            Assert.That(stairs.Steps, Is.EqualTo(study.Steps * StaircaseFollowUp.BudgetMultiple));
            Assert.That(stairs.Steps, Is.EqualTo(300));
            Assert.That(stairs.Seeds, Is.EqualTo(1), "one seed shows the staircase");
            Assert.That(stairs.InputDimension, Is.EqualTo(16), "the study's dimension when it has four coordinates or more");
            Assert.That(stairs.Depth, Is.EqualTo(2));
        });
    }

    [Test]
    public void TheDefaultGridsTwoLargestGammasAreHalfADecadeApart()
    {
        var study = FeatureStrengthSettings.Default;
        var stairs = StaircaseFollowUp.Settings(study, study.ForDepth(2))!;
        Assert.That(Gammas(stairs), Is.EqualTo(new[] { Math.Pow(10, 2.5), 1000.0 }).Within(1e-6));
    }

    [Test]
    public void ATaskOfFewerThanFourCoordinatesGetsFour()
    {
        var study = FeatureStrengthSettings.Quick with { InputDimension = 2 };
        Assert.That(StaircaseFollowUp.Settings(study, study.ForDepth(2))!.InputDimension, Is.EqualTo(4));
    }

    [Test]
    public void OneGammaAboveOneIsRunAloneAndNoneLeavesNoFollowUp()
    {
        var one = FeatureStrengthSettings.Quick with { GammaMin = 0.1, GammaMax = 10 };
        var stairs = StaircaseFollowUp.Settings(one, one.ForDepth(2))!;
        Assert.That(Gammas(stairs), Is.EqualTo(new[] { 10.0 }).Within(1e-9));

        // γ = 1 is not above 1: a grid that ends there has no rich side to follow up.
        var none = FeatureStrengthSettings.Quick with { GammaMin = 0.01, GammaMax = 1 };
        Assert.That(StaircaseFollowUp.Settings(none, none.ForDepth(2)), Is.Null);
    }

    // "A short rate scan": half a decade below the first stable rate, whatever the study's own --decades-below.
    [Test]
    public void TheFollowUpScansHalfADecadeBelowTheFirstStableRate()
    {
        var study = FeatureStrengthSettings.Default;
        Assert.That(study.DecadesBelowFirstStable, Is.EqualTo(1.0));
        Assert.That(StaircaseFollowUp.Settings(study, study.ForDepth(2))!.DecadesBelowFirstStable, Is.EqualTo(0.5));
    }
}
