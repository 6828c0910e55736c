using Catapults.Study.Infrastructure;
using static TorchSharp.torch;

namespace Catapults.Study.Tests;

/// <summary>
/// StepColumns.ValuesAt at a step the probe did not measure: one empty cell per column, so the row keeps the header's
/// width and every later column stays in its place. Found by mutation testing (7 Dec 2026, round 27B).
/// </summary>
public sealed class StepColumnsTests
{
    [Test]
    public void AStepWithoutAMeasurementHasAnEmptyCellInEveryColumn()
    {
        using var inputs = zeros(4, 3);
        using var columns = StepColumns.CriticalRate(inputs, every: 10);
        Assert.That(columns.Columns, Is.EqualTo(new[] { "lambda_max", "eta_crit" }));
        Assert.That(columns.ValuesAt(5), Is.EqualTo(new double?[] { null, null }));
    }
}
