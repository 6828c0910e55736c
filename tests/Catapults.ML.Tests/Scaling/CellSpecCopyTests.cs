using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (round 11A): <see cref="FeatureStrengthCellSpec.At"/> must give each cell its own hidden
/// widths. A copy that shared the array with its template let a change to one cell's architecture reach every other
/// cell of the sweep, and no test noticed.
/// </summary>
public sealed class CellSpecCopyTests
{
    [Test]
    public void ACellsCopyDoesNotShareItsHiddenWidthsWithTheTemplate()
    {
        var template = new FeatureStrengthCellSpec { HiddenWidths = new[] { 8, 8 } };
        var cell = template.At(gamma: 0.5, learningRate: 2.0);
        cell.HiddenWidths[0] = 3;
        Assert.Multiple(() =>
        {
            Assert.That(template.HiddenWidths, Is.EqualTo(new[] { 8, 8 }));
            Assert.That((cell.Gamma, cell.LearningRate), Is.EqualTo((0.5, 2.0)));
            Assert.That((template.Gamma, template.LearningRate), Is.EqualTo((1.0, 1.0)));
        });
    }
}
