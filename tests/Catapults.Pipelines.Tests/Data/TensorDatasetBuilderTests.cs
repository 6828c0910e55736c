using Catapults.ML.Runtime;
using Catapults.ML.Data;
using Catapults.Pipelines.Data;

namespace Catapults.Pipelines.Tests.Data;

/// <summary>
/// The rules the tensor converters share: a class index is a whole number from 0 to 2147483647 (both ends included),
/// a source without rows is refused, and a sample shape must be one or more sizes of at least 1 whose product is the
/// feature count. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class TensorDatasetBuilderTests
{
    [Test]
    public void ClassIndicesRunFrom0To2147483647()
    {
        var builder = new TensorDatasetBuilder("'t'", 1, TargetKind.ClassIndex, 0);
        foreach (double index in new[] { 0.0, int.MaxValue })
        {
            builder.AddFeature(1, "x", -1, builder.Rows);
            builder.AddClass(index, "y", builder.Rows);
            builder.EndRow();
        }
        using var data = builder.Build(null, "t");
        Assert.That(data.Targets.data<long>().ToArray(), Is.EqualTo(new long[] { 0, int.MaxValue }));
    }

    [TestCase(2147483648.0)]
    [TestCase(1.5)]
    [TestCase(-1.0)]
    public void AValueThatIsNoClassIndexIsRefusedNamingColumnAndRow(double value)
    {
        var builder = new TensorDatasetBuilder("'t'", 1, TargetKind.ClassIndex, 0);
        var ex = Assert.Throws<InvalidDataException>(() => builder.AddClass(value, "y", 7));
        Assert.That(ex!.Message, Does.StartWith("'t': label column 'y', row 7: ").And.EndWith(" is not a class index (a whole number from 0 to 2147483647)."));
    }

    [Test]
    public void ASourceWithoutRowsIsRefused()
    {
        var builder = new TensorDatasetBuilder("'empty'", 2, TargetKind.Regression, 1);
        var ex = Assert.Throws<InvalidDataException>(() => builder.Build(null, "t").Dispose());
        Assert.That(ex!.Message, Is.EqualTo("'empty' has no rows."));
    }

    [Test]
    public void AnEmptySampleShapeIsRefusedEvenForOneFeature()
    {
        // The product of no sizes is 1, which equals one feature; a sample still needs a shape.
        var ex = Assert.Throws<ArgumentException>(() => OneRow(1).Build(Array.Empty<long>(), "t").Dispose());
        Assert.That(ex!.Message, Does.Contain("SampleShape []"));
    }

    [TestCase(new long[] { -2, -3 }, "[-2, -3]")]
    [TestCase(new long[] { -6 }, "[-6]")]
    [TestCase(new long[] { 6, 0 }, "[6, 0]")]
    public void SizesBelow1AreRefusedAsSuch(long[] shape, string written)
    {
        // [-2, -3] multiplies out to the feature count; [-6] to a count of no sense. Both name the size below 1.
        var ex = Assert.Throws<ArgumentException>(() => OneRow(6).Build(shape, "t").Dispose());
        Assert.That(ex!.Message, Does.Contain($"SampleShape {written} holds a size below 1 and no values"));
    }

    private static TensorDatasetBuilder OneRow(int features)
    {
        var builder = new TensorDatasetBuilder("'t'", features, TargetKind.Regression, 1);
        for (int j = 0; j < features; j++) builder.AddFeature(j, "x", j, 0);
        builder.AddTarget(1, "y", -1, 0);
        builder.EndRow();
        return builder;
    }

    // Element 0 of a vector column is an element too: the message names it as it names element 1.
    [Test]
    public void TheFirstElementOfAVectorColumnIsNamed()
    {
        var builder = new TensorDatasetBuilder("'t'", 2, TargetKind.Regression, 1);
        var ex = Assert.Throws<InvalidDataException>(() => builder.AddFeature(double.NaN, "Features", 0, 3));
        Assert.That(ex!.Message, Does.StartWith("'t': column 'Features' (element 0), row 3: "));
        ex = Assert.Throws<InvalidDataException>(() => builder.AddTarget(double.PositiveInfinity, "Label", 0, 4));
        Assert.That(ex!.Message, Does.StartWith("'t': label column 'Label' (element 0), row 4: "));
    }

    // The rows are held twice at the end (the blocks read, then the tensor built from them): a conversion needing
    // more than the available memory for both is refused up front even when one copy alone would fit.
    [Test]
    public void ExpectedRowsAreBudgetedForTwoCopies()
    {
        const int features = 1000;
        long rows = (long)(MemoryBudget.AvailableBytes / 6 / features);
        var ex = Assert.Throws<ArgumentException>(() => new TensorDatasetBuilder("'t'", features, TargetKind.Regression, 1, rows));
        Assert.That(ex!.Message, Does.StartWith("'t': ").And.Contain("more than the").And.Contain("available"));
        Assert.DoesNotThrow(() => new TensorDatasetBuilder("'t'", features, TargetKind.Regression, 1, rows / 3));
    }

    // Features are held in blocks of 2^20 values: the rows of a later block follow those of the first in the tensor,
    // not over them (mutant 20A-M07 copied every block to the start).
    [Test]
    public void RowsBeyondTheFirstBlockOfValuesKeepTheirPlace()
    {
        const int rows = (1 << 19) + 3; // two features each: one full block of 2^20 values, then 6 more
        var builder = new TensorDatasetBuilder("'t'", 2, TargetKind.Regression, 1);
        for (int i = 0; i < rows; i++)
        {
            builder.AddFeature(i, "x", 0, i);
            builder.AddFeature(-i, "x", 1, i);
            builder.AddTarget(i, "y", -1, i);
            builder.EndRow();
        }
        using var data = builder.Build(null, "t");
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { rows, 2 }));
        var x = data.Features.data<float>();
        int last = rows - 1, second = 1 << 19;
        Assert.That(new[] { x[0], x[1], x[2L * second], x[2L * second + 1], x[2L * last], x[2L * last + 1] },
            Is.EqualTo(new float[] { 0, 0, second, -second, last, -last }), "rows 0, 2^19 (the first of the second block) and the last");
    }

    // A regression target is stored as float32: a double beyond its range is refused as a feature's is, not stored as
    // infinity; float.MaxValue itself is kept (mutation round 37B, M13 checked the target as a double).
    [Test]
    public void ATargetBeyondTheFloatRangeIsRefusedNamingColumnAndRow()
    {
        var builder = new TensorDatasetBuilder("'t'", 1, TargetKind.Regression, 1);
        Assert.DoesNotThrow(() => builder.AddTarget(3.4028235e38, "y", -1, 0));
        var ex = Assert.Throws<InvalidDataException>(() => builder.AddTarget(3.5e38, "y", -1, 1));
        Assert.That(ex!.Message, Does.StartWith("'t': label column 'y', row 1: ").And.EndWith(" is not a finite float value."));
    }

    // A sample shape whose product is exactly long.MaxValue has not overflowed: the message gives the product, not
    // "more than 2^63" (mutation round 37B, M52 took the largest product for an overflow).
    [Test]
    public void ASampleShapeWhoseProductIsLongMaxValueIsCountedExactly()
    {
        var ex = Assert.Throws<ArgumentException>(() => OneRow(1).Build(new[] { long.MaxValue }, "t").Dispose());
        Assert.That(ex!.Message, Is.EqualTo("SampleShape [9223372036854775807] holds 9223372036854775807 values but each row of 't' has 1 feature."));
    }
}
