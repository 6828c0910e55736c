using Catapults.ML.Data;
using Catapults.Pipelines.Data;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Data;

/// <summary>
/// The conversions' documented rules for labels and sparse vectors. Found by mutation testing (6 Dec 2026): each rule
/// could be broken without a test failing. The mutant each test catches is named beside it.
/// </summary>
public class TensorConversionRuleTests
{
    private readonly MLContext _ml = new(seed: 0);

    private sealed class SparseRow
    {
        [VectorType(4)] public VBuffer<float> Features;
        public float Label;
    }

    private sealed class Row
    {
        public float X;
        public double Target;
        public int Count;
        public string Name = "";
    }

    // A sparse vector's missing slots are zeros, and its values sit at their own indices (mutants D6, D7).
    [Test]
    public void ASparseFeatureVectorIsReadAtItsIndicesWithZerosElsewhere()
    {
        var view = _ml.Data.LoadFromEnumerable(new[]
        {
            new SparseRow { Features = new VBuffer<float>(4, new[] { 1f, 2, 3, 4 }), Label = 0.5f },
            new SparseRow { Features = new VBuffer<float>(4, 1, new[] { 5f }, new[] { 2 }), Label = 1.5f },
        });
        using var data = view.ToTensorDataset();
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2, 3, 4, 0, 0, 5, 0 }));
    }

    // TensorConversionOptions.Targets: "floating-point scalars ... become regression targets [n, 1]" (mutant D5).
    [Test]
    public void ADoubleLabelIsARegressionTarget()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new Row { X = 1, Target = 0.25 }, new Row { X = 2, Target = 2 } });
        using var data = view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"], LabelColumnName = "Target" });
        Assert.That(data.Targets.shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 0.25f, 2f }));
    }

    // A class index is "a whole number from 0" (mutant D9).
    [Test]
    public void ANegativeIntegerLabelIsNotAClassIndex()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new Row { X = 1, Count = 1 }, new Row { X = 2, Count = -1 } });
        var ex = Assert.Throws<InvalidDataException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"], LabelColumnName = "Count" }));
        Assert.That(ex!.Message, Does.Contain("label column 'Count', row 1").And.Contain("not a class index"));
    }

    // A missing key (0) is an error naming column and row, also when regression targets are forced (mutant D1: it became −1).
    [Test]
    public void AMissingKeyLabelIsAnErrorEvenAsARegressionTarget()
    {
        var train = _ml.Data.LoadFromEnumerable(new[] { new Row { X = 1, Name = "a" }, new Row { X = 2, Name = "b" } });
        var map = _ml.Transforms.Conversion.MapValueToKey("Name").Fit(train);
        var keyed = map.Transform(_ml.Data.LoadFromEnumerable(new[] { new Row { X = 1, Name = "b" }, new Row { X = 2, Name = "unseen" } }));
        foreach (var targets in new TargetKind?[] { null, TargetKind.Regression })
        {
            var ex = Assert.Throws<InvalidDataException>(() => keyed.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"], LabelColumnName = "Name", Targets = targets }));
            Assert.That(ex!.Message, Does.Contain("'Name', row 1").And.Contain("missing"), $"{targets}");
        }
    }

    // "Forcing TargetKind.Regression turns ... Booleans into −1/+1", on the DataFrame path as on the IDataView one (mutant D11).
    [Test]
    public void ABooleanDataFrameLabelForcedToRegressionIsPlusOrMinusOne()
    {
        var frame = new DataFrame(new SingleDataFrameColumn("x", [1f, 2f]), new BooleanDataFrameColumn("Label", [true, false]));
        using var data = frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x"], Targets = TargetKind.Regression });
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 1f, -1f }));
    }

    // A decimal label is a floating-point one: a regression target (mutant D12).
    [Test]
    public void ADecimalDataFrameLabelIsARegressionTarget()
    {
        var frame = new DataFrame(new SingleDataFrameColumn("x", [1f, 2f]), new DecimalDataFrameColumn("Label", [0.5m, 1.25m]));
        using var data = frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x"] });
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 0.5f, 1.25f }));
    }

    private sealed class VectorLabelRow
    {
        public float X;
        [VectorType(2)] public float[] Label = [];
    }

    // "class-index targets need a scalar label": forcing them on a vector label is refused, not ignored (mutant D15
    // silently gave regression targets).
    [Test]
    public void ClassIndicesForcedOnAVectorLabelAreRefused()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new VectorLabelRow { X = 1, Label = [0, 1] } });
        var ex = Assert.Throws<ArgumentException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"], Targets = TargetKind.ClassIndex }));
        Assert.That(ex!.Message, Does.Contain("'Label'").And.Contain("scalar"));
    }

    private sealed class TwoColumnRow
    {
        public float A;
        public float B;
        public float Label;
    }

    // Automatic features take the visible columns only: a transform that replaces a column ('B' below) leaves the old
    // one hidden under the same name, and reading it too would add a feature the view no longer shows (mutant 17C-M8).
    [Test]
    public void AutomaticFeaturesSkipAColumnHiddenByATransformOfTheSameName()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new TwoColumnRow { A = 1, B = 10, Label = 0.5f }, new TwoColumnRow { A = 2, B = 20, Label = 1 } });
        var replaced = _ml.Transforms.CopyColumns("B", "A").Fit(view).Transform(view);
        Assert.That(replaced.Schema.Count(c => c.IsHidden), Is.EqualTo(1), "the old B is kept, hidden");
        using var data = replaced.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = null });
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1, 2, 2 }), "A, then the new B (a copy of A)");
    }

    // A scalar column has no elements: its non-finite value is named by column and row alone, where a vector's names
    // its element too (mutant 17C-M48 said "(element 0)" of a scalar).
    [Test]
    public void ANonFiniteScalarFeatureIsNamedByColumnAndRowWithoutAnElement()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new Row { X = 1, Target = 1 }, new Row { X = float.PositiveInfinity, Target = 2 } });
        var ex = Assert.Throws<InvalidDataException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"], LabelColumnName = "Target" }));
        Assert.That(ex!.Message, Does.StartWith("the IDataView: column 'X', row 1: "));
    }

    // Naming the label as a feature too is refused on the IDataView path, as on the DataFrame one: otherwise the
    // targets sit among the inputs (mutant 20A-M01).
    [Test]
    public void TheLabelNamedAsAFeatureOfAnIDataViewIsRefused()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new Row { X = 1, Target = 0.5 }, new Row { X = 2, Target = 1 } });
        var ex = Assert.Throws<ArgumentException>(() =>
            view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X", "Target"], LabelColumnName = "Target" }));
        Assert.That(ex!.Message, Is.EqualTo("Column 'Target' is both a feature and the label."));
    }

    // "floating-point ... vectors become regression targets [n, K]", also when the label is wider than every feature
    // column (mutant 20A-M02 sized the row buffer by the features alone and failed on such a label).
    [Test]
    public void AVectorLabelWiderThanTheFeaturesGivesTargetsOfItsWidth()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new VectorLabelRow { X = 1, Label = [0.5f, -1] }, new VectorLabelRow { X = 2, Label = [2, 3] } });
        using var data = view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"] });
        Assert.That(data.Targets.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 0.5f, -1, 2, 3 }));
    }

    // A non-finite value of a vector label is named by its element, as a vector feature's is (mutant 20A-M03 named the
    // column and row alone).
    [Test]
    public void ANonFiniteValueOfAVectorLabelIsNamedByItsElement()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new VectorLabelRow { X = 1, Label = [0, 1] }, new VectorLabelRow { X = 2, Label = [1, float.NaN] } });
        var ex = Assert.Throws<InvalidDataException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"] }));
        Assert.That(ex!.Message, Does.StartWith("the IDataView: label column 'Label' (element 1), row 1: "));
    }

    // A key feature holds category codes, not magnitudes: it is refused with the advice to map it to numbers first
    // (mutant 20A-M04 gave only the generic "expected a number").
    [Test]
    public void AKeyFeatureIsRefusedWithTheAdviceToMapItToNumbers()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new Row { X = 1, Target = 1, Name = "a" }, new Row { X = 2, Target = 2, Name = "b" } });
        var keyed = _ml.Transforms.Conversion.MapValueToKey("Name").Fit(view).Transform(view);
        var ex = Assert.Throws<ArgumentException>(() =>
            keyed.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X", "Name"], LabelColumnName = "Target" }));
        Assert.That(ex!.Message, Does.StartWith("Feature column 'Name' of the IDataView is a key (").And.EndWith("map it to numbers (e.g. one-hot) first."));
    }

    // A DataFrame's vector column was refused with advice, ((IDataView)frame).ToTensorDataset, that refused it in turn:
    // the frame's view declares a VBuffer column as a vector of unknown size (found by mutation round 20A). It is read
    // here, one feature per element.
    [Test]
    public void AVectorColumnOfADataFrameGivesOneFeaturePerElement()
    {
        var frame = FrameWithAVectorColumn();
        frame.Columns.Insert(0, new DoubleDataFrameColumn("x", [10.0, 20.0]));
        using var data = frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x", "v"] });
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 10f, 1, 2, 20, 3, 4 }));
        using var all = frame.ToTensorDataset();
        Assert.That(all.Features.data<float>().ToArray(), Is.EqualTo(new[] { 10f, 1, 2, 20, 3, 4 }), "taken with every numeric column");
    }

    [Test]
    public void VectorsOfAnotherLengthOrTypeAreRefusedNamingTheColumn()
    {
        var frame = FrameWithAVectorColumn();
        ((VBufferDataFrameColumn<float>)frame.Columns["v"])[1] = new VBuffer<float>(3, new[] { 3f, 4, 5 });
        var ex = Assert.Throws<InvalidDataException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["v"] }));
        Assert.That(ex!.Message, Is.EqualTo("the DataFrame: column 'v', row 1: a vector of 3 values, where row 0's has 2; every row's must be as long."));

        var integers = new VBufferDataFrameColumn<int>("w", 1) { [0] = new VBuffer<int>(2, new[] { 1, 2 }) };
        var other = new DataFrame(integers, new SingleDataFrameColumn("Label", [0.5f]));
        var refused = Assert.Throws<ArgumentException>(() => other.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["w"] }));
        Assert.That(refused!.Message, Does.StartWith("Feature column 'w' of the DataFrame holds VBuffer")
            .And.EndWith("expected a numeric or Boolean column, or vectors of Single or Double (this one's are Int32)."));
    }

    private static DataFrame FrameWithAVectorColumn()
    {
        var vectors = new VBufferDataFrameColumn<float>("v", 2);
        vectors[0] = new VBuffer<float>(2, new[] { 1f, 2 });
        vectors[1] = new VBuffer<float>(2, new[] { 3f, 4 });
        return new DataFrame(vectors, new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
    }

    // A text label is refused by name before any row is read (mutant 20A-M09 failed at row 0 inside Convert.ToDouble).
    [Test]
    public void ATextDataFrameLabelIsRefusedByName()
    {
        var frame = new DataFrame(new SingleDataFrameColumn("x", [1f, 2f]), new StringDataFrameColumn("Label", ["a", "b"]));
        var ex = Assert.Throws<ArgumentException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x"] }));
        Assert.That(ex!.Message, Is.EqualTo("Label column 'Label' of the DataFrame holds String; expected a numeric or Boolean column."));
    }

    private sealed class TextRow
    {
        public string Name = "";
        public float Label;
    }

    private sealed class LabelRow
    {
        public float Label;
    }

    // Automatic features of a view with no column besides the label are refused in words (mutant 20A-M37 failed with
    // "Sequence contains no elements").
    [Test]
    public void AViewWithNoColumnBesidesTheLabelHasNoAutomaticFeatures()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new LabelRow { Label = 1 } });
        var ex = Assert.Throws<ArgumentException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = null }));
        Assert.That(ex!.Message, Is.EqualTo("the IDataView has no numeric feature columns besides 'Label'."));
    }

    // Automatic features of a view skipped a text column without a word, where a DataFrame's refuse it (noticed in
    // mutation round 20A): a column a user meant as a feature would be lost.
    [Test]
    public void AutomaticFeaturesOfAViewRefuseATextColumnNamingIt()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new TextRow { Name = "a", Label = 1 } });
        var ex = Assert.Throws<ArgumentException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = null }));
        Assert.That(ex!.Message, Does.StartWith("the IDataView has columns that are not numeric scalars or vectors of known size: 'Name' (String); ")
            .And.Contain("FeatureColumnNames"));
    }

    private sealed class RaggedRow
    {
        public float X;
        public float[] Ragged = [];
        public float Label;
    }

    // Automatic features refuse a vector of unknown size by the rule they state ("not numeric scalars or vectors of
    // known size"), naming it with the others they would leave out, before any width is asked of it (mutation round
    // 34A, M01: a size of 0 counted as known, and the refusal came from another check with other advice).
    [Test]
    public void AutomaticFeaturesRefuseAVariableLengthVectorAmongTheColumnsLeftOut()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new RaggedRow { X = 1, Ragged = [1, 2], Label = 1 } });
        var ex = Assert.Throws<ArgumentException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = null }));
        Assert.That(ex!.Message, Does.StartWith("the IDataView has columns that are not numeric scalars or vectors of known size: 'Ragged' ("));
    }

    // A named dataset is quoted in the messages and named in the dataset built (mutation round 34A, M03 and M04).
    [Test]
    public void ANamedViewIsQuotedInItsMessagesAndNamesTheDataset()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new Row { X = 1, Target = 0.5 }, new Row { X = 2, Target = 1 } });
        using var data = view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"], LabelColumnName = "Target", Name = "iris" });
        Assert.That(data.Name, Is.EqualTo("iris"));
        var ex = Assert.Throws<ArgumentException>(() =>
            view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["Nope"], LabelColumnName = "Target", Name = "iris" }));
        Assert.That(ex!.Message, Does.StartWith("'iris' has no feature column 'Nope'"));
    }

    private sealed class UnsignedRow
    {
        public byte Small;
        public uint Large;
        public float Label;
    }

    // Unsigned columns keep their values above the signed range: a byte of 200 is 200 and a uint of 3e9 is 3e9, not
    // -56 or a negative number (mutation round 34A, M05 and M06 read them through the signed types).
    [Test]
    public void UnsignedFeaturesAboveTheSignedRangeKeepTheirValues()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new UnsignedRow { Small = 200, Large = 3_000_000_000, Label = 1 } });
        using var data = view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["Small", "Large"] });
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 200f, 3e9f }));
    }

    // A DataFrame's vector column of empty vectors adds no feature at all; it is refused naming column and row, even
    // when every row's is as long as row 0's (mutation round 34A, M10 let it through as a column of no features).
    [Test]
    public void ADataFrameVectorColumnOfEmptyVectorsIsRefused()
    {
        var vectors = new VBufferDataFrameColumn<float>("v", [new VBuffer<float>(0, Array.Empty<float>()), new VBuffer<float>(0, Array.Empty<float>())]);
        var frame = new DataFrame(new SingleDataFrameColumn("x", [1f, 2f]), vectors, new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        var ex = Assert.Throws<InvalidDataException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x", "v"] }));
        Assert.That(ex!.Message, Is.EqualTo("the DataFrame: column 'v', row 0: a vector of 0 values, expected at least one."));
    }

    // Every integer type is a numeric DataFrame column: a byte column is a feature like an Int32 one (mutation round
    // 34A, M12 left byte out of the integers and refused it as not numeric).
    [Test]
    public void AByteDataFrameColumnIsANumericFeature()
    {
        var frame = new DataFrame(new ByteDataFrameColumn("b", new byte[] { 200, 7 }), new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        using var data = frame.ToTensorDataset();
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 200f, 7f }));
    }

    // "vectors of Single or Double": a column of Double vectors gives one feature per element too (mutation round
    // 34A, M13 read only Single vectors and refused Double ones).
    [Test]
    public void ADataFrameColumnOfDoubleVectorsGivesOneFeaturePerElement()
    {
        var vectors = new VBufferDataFrameColumn<double>("v", [new VBuffer<double>(2, [1.0, 2.0]), new VBuffer<double>(2, [3.0, 4.5])]);
        var frame = new DataFrame(vectors, new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        using var data = frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["v"] });
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2, 3, 4.5f }));
    }

    // A named DataFrame is quoted in the messages and names the dataset built, as a named view is (mutation round
    // 34A, M15 and M16).
    [Test]
    public void ANamedDataFrameIsQuotedInItsMessagesAndNamesTheDataset()
    {
        var frame = new DataFrame(new SingleDataFrameColumn("x", [1f, 2f]), new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        using var data = frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x"], Name = "iris" });
        Assert.That(data.Name, Is.EqualTo("iris"));
        var ex = Assert.Throws<ArgumentException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["Nope"], Name = "iris" }));
        Assert.That(ex!.Message, Does.StartWith("'iris' has no feature column 'Nope'"));
    }

    private sealed class ThreeRow
    {
        [VectorType(3)] public float[] Features = [];
        public float Label;
    }

    // A row whose vector is shorter than the column's declared size is refused naming column and row, not padded with
    // the previous row's values (mutation round 34A, M02 dropped the length check).
    [Test]
    public void AVectorShorterThanItsDeclaredSizeIsRefusedNamingColumnAndRow()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new ThreeRow { Features = [1, 2, 3], Label = 1 }, new ThreeRow { Features = [4, 5], Label = 2 } });
        var ex = Assert.Throws<InvalidDataException>(() => view.ToTensorDataset());
        Assert.That(ex!.Message, Is.EqualTo("Column 'Features', row 1: vector of length 2, expected 3."));
    }

    private sealed class SignedRow
    {
        public short Small;
        public long Large;
        public float Label;
    }

    // Signed columns keep their sign and their range: a short of -300 is -300 and a long of -5e9 is -5e9, not read
    // through an unsigned or narrower type (mutation round 37B, M07 and M08).
    [Test]
    public void SignedFeaturesKeepTheirSignAndRange()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new SignedRow { Small = -300, Large = -5_000_000_000, Label = 1 } });
        using var data = view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["Small", "Large"] });
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { -300f, -5e9f }));
    }

    // A missing column's message lists the columns a user can see, not one a transform hid under the same name
    // (mutation round 37B, M03 listed the hidden 'B' too).
    [Test]
    public void AMissingColumnsMessageListsOnlyTheVisibleColumns()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new TwoColumnRow { A = 1, B = 10, Label = 0.5f } });
        var replaced = _ml.Transforms.CopyColumns("B", "A").Fit(view).Transform(view);
        var ex = Assert.Throws<ArgumentException>(() => replaced.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["Nope"] }));
        Assert.That(ex!.Message, Is.EqualTo("the IDataView has no feature column 'Nope'; its columns are: A (Single), B (Single), Label (Single)."));
    }

    // A label of unknown size or of text is refused by name before any row is read, each with what a label must be
    // (mutation round 37B, M04 and M05).
    [Test]
    public void AVariableLengthOrTextLabelIsRefusedByName()
    {
        var ragged = _ml.Data.LoadFromEnumerable(new[] { new RaggedRow { X = 1, Ragged = [1, 2], Label = 1 } });
        var ex = Assert.Throws<ArgumentException>(() => ragged.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"], LabelColumnName = "Ragged" }));
        Assert.That(ex!.Message, Does.StartWith("Label column 'Ragged' of the IDataView is a variable-length vector (").And.EndWith("); targets need a fixed size."));
        var text = _ml.Data.LoadFromEnumerable(new[] { new TextRow { Name = "a", Label = 1 } });
        ex = Assert.Throws<ArgumentException>(() => text.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["Label"], LabelColumnName = "Name" }));
        Assert.That(ex!.Message, Is.EqualTo("Label column 'Name' of the IDataView has type String; expected a number, key, Boolean or numeric vector of known size."));
    }

    // A Double label is a floating-point one on the DataFrame path too: a regression target (mutation round 37B, M10).
    [Test]
    public void ADoubleDataFrameLabelIsARegressionTarget()
    {
        var frame = new DataFrame(new SingleDataFrameColumn("x", [1f, 2f]), new DoubleDataFrameColumn("Label", [0.5, 2.0]));
        using var data = frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x"] });
        Assert.That(data.Targets.shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 0.5f, 2f }));
    }

    // A feature column named explicitly but of the wrong kind is refused in one line naming the column, the source and
    // what a feature must be (mutation round 37B, M41 and M42 dropped the source and the expectation).
    [Test]
    public void ANamedFeatureOfTheWrongKindIsRefusedSayingWhatAFeatureMustBe()
    {
        var ragged = _ml.Data.LoadFromEnumerable(new[] { new RaggedRow { X = 1, Ragged = [1, 2], Label = 1 } });
        var ex = Assert.Throws<ArgumentException>(() => ragged.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X", "Ragged"] }));
        Assert.That(ex!.Message, Does.StartWith("Feature column 'Ragged' of the IDataView is a variable-length vector (").And.Contain("); a tensor needs every row the same size."));
        var text = _ml.Data.LoadFromEnumerable(new[] { new TextRow { Name = "a", Label = 1 } });
        ex = Assert.Throws<ArgumentException>(() => text.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["Name"] }));
        Assert.That(ex!.Message, Is.EqualTo("Feature column 'Name' of the IDataView has type String; expected a number or a numeric vector of known size."));
    }

    // An empty frame with a vector column is refused as having no rows, not failed on reading row 0's width
    // (mutation round 37B, M44).
    [Test]
    public void AnEmptyDataFrameWithAVectorColumnHasNoRows()
    {
        var frame = new DataFrame(new VBufferDataFrameColumn<float>("v", 0), new SingleDataFrameColumn("Label", 0));
        var ex = Assert.Throws<InvalidDataException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["v"] }));
        Assert.That(ex!.Message, Is.EqualTo("the DataFrame has no rows."));
    }

    // Without a name, the dataset built is named after its source's kind (mutation round 37B, M46 and M47).
    [Test]
    public void AnUnnamedSourceNamesTheDatasetAfterItsKind()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new Row { X = 1, Target = 0.5 } });
        using var fromView = view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"], LabelColumnName = "Target" });
        Assert.That(fromView.Name, Is.EqualTo("dataview"));
        var frame = new DataFrame(new SingleDataFrameColumn("x", [1f]), new SingleDataFrameColumn("Label", [0.5f]));
        using var fromFrame = frame.ToTensorDataset();
        Assert.That(fromFrame.Name, Is.EqualTo("dataframe"));
    }

    // Automatic features take the visible columns only, in the refusal too: a text column that a transform replaced
    // by a numeric one of the same name is hidden, not refused as a column left out (mutation round 37B, M50).
    [Test]
    public void AutomaticFeaturesDoNotRefuseATextColumnHiddenByANumericOneOfItsName()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new Row { X = 1, Target = 0.5, Count = 3, Name = "a" }, new Row { X = 2, Target = 1, Count = 4, Name = "b" } });
        var replaced = _ml.Transforms.CopyColumns("Name", "X").Fit(view).Transform(view);
        Assert.That(replaced.Schema.Single(c => c.IsHidden).Type, Is.EqualTo(TextDataViewType.Instance), "the text 'Name' is kept, hidden");
        using var data = replaced.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = null, LabelColumnName = "Target" });
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 2, 3 }));
    }

    // A column name from a file can hold a terminal escape or a line break. The DataFrame converter quotes it visibly
    // when it refuses the column as a whole (AColumnNameFromTheFileIsQuotedVisiblyWhenTheColumnIsRefused), and the
    // IDataView converter does so too, in a missing column's message, in a row's error and (since round 37B found them
    // printing it raw) in its refusals of a column's type.
    [Test]
    public void AColumnNameFromTheFileIsQuotedVisiblyWhenTheIDataViewPathRefusesTheColumn()
    {
        const string name = "x\u001b[2J\nlabel";
        const string visible = "x\\u001B[2J\\u000Alabel";
        IDataView text = new DataFrame(new StringDataFrameColumn(name, ["a", "b"]), new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        IDataView textLabel = new DataFrame(new DoubleDataFrameColumn("x", [1.0, 2.0]), new StringDataFrameColumn(name, ["a", "b"]));
        foreach (var (view, options, expected) in new[]
                 {
                     (text, new TensorConversionOptions { FeatureColumnNames = [name] }, $"Feature column '{visible}' of the IDataView has type String"),
                     (textLabel, new TensorConversionOptions { FeatureColumnNames = ["x"], LabelColumnName = name }, $"Label column '{visible}' of the IDataView has type String"),
                 })
        {
            var ex = Assert.Throws<ArgumentException>(() => view.ToTensorDataset(options).Dispose())!;
            Assert.That(ex.Message.Any(char.IsControl), Is.False, ex.Message);
            Assert.That(ex.Message, Does.Contain(expected));
        }
    }

    // Forcing regression targets on a vector label asks for what it gives anyway: targets [n, K] (mutation round 37B,
    // M49 refused every forced kind, not only class indices).
    [Test]
    public void RegressionForcedOnAVectorLabelGivesTargetsOfItsWidth()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new VectorLabelRow { X = 1, Label = [0.5f, -1] } });
        using var data = view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["X"], Targets = TargetKind.Regression });
        Assert.That(data.Targets.shape, Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 0.5f, -1 }));
    }
}
