using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (round 11A): a cell's copy must not reach back into its template. The template's network
/// and training are immutable records now, so a copy changes only its own γ, η and budget, and a template serves every
/// cell of a sweep unchanged.
/// </summary>
public sealed class CellSpecCopyTests
{
    [Test]
    public void ACellsCopyLeavesItsTemplateAsItWas()
    {
        var template = new FeatureStrengthCellSpec { Network = FeatureStrengthCellSpec.DefaultNetwork with { Architecture = "fcn-3", Width = 8 } };
        var cell = template.At(gamma: 0.5, learningRate: 2.0).WithSteps(7);
        Assert.Multiple(() =>
        {
            Assert.That((cell.Gamma, cell.LearningRate, cell.Steps, cell.Depth), Is.EqualTo((0.5, 2.0, 7, 3)));
            Assert.That((template.Gamma, template.LearningRate, template.Steps), Is.EqualTo((1.0, 1.0, 1000)));
            Assert.That(cell.Network, Is.EqualTo(template.Network));
            Assert.That(cell.Training, Is.EqualTo(template.Training with { LearningRate = 2.0, MaxSteps = 7 }));
        });
    }
}
