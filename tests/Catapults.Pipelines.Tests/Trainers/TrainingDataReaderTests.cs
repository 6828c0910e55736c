using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Catapults.Pipelines.Tests.Trainers;

public class TrainingDataReaderTests
{
    private readonly MLContext _ml = new(seed: 1);

    public sealed class SparseRow
    {
        [VectorType(5)] public VBuffer<float> Features { get; set; }
        public float Label { get; set; }
    }

    private static float[] Flat(Tensor t) => t.contiguous().data<float>().ToArray();

    [TestCase(1 << 20, TestName = "OneBlock")]
    [TestCase(4 * TestData.Dimension, TestName = "BlocksOfFourRows")]
    // A block smaller than one row still holds one row (mutation round 14B: a block of no rows lost every row).
    [TestCase(3, TestName = "BlocksSmallerThanARow")]
    public void FeaturesAndTargetsArriveExactlyInRowOrder(int blockElements)
    {
        var rows = TestData.Rank2(37, seed: 3);
        var data = _ml.Data.LoadFromEnumerable(rows);
        Assert.That(data.GetRowCount(), Is.EqualTo(37), "this view knows its row count");
        using var set = TrainingDataReader.Read(data, data.Schema["Features"], TestData.Dimension, data.Schema["Label"],
            TargetEncoding.Value, 0, "test", blockElements);
        Assert.That(set.Features.shape, Is.EqualTo(new long[] { 37, TestData.Dimension }));
        Assert.That(Flat(set.Features), Is.EqualTo(rows.SelectMany(r => r.Features).ToArray()));
        Assert.That(set.Targets.shape, Is.EqualTo(new long[] { 37, 1 }));
        Assert.That(Flat(set.Targets), Is.EqualTo(rows.Select(r => r.Label).ToArray()));
    }

    [Test]
    public void AViewOfUnknownLengthIsReadInBlocksToo()
    {
        var rows = TestData.Rank2(41, seed: 4);
        var data = _ml.Data.FilterRowsByColumn(_ml.Data.LoadFromEnumerable(rows), "Label", lowerBound: -1e9, upperBound: 1e9);
        Assert.That(data.GetRowCount(), Is.Null, "a filter does not know its row count");
        using var set = TrainingDataReader.Read(data, data.Schema["Features"], TestData.Dimension, data.Schema["Label"],
            TargetEncoding.Value, 0, "test", blockElements: 5 * TestData.Dimension);
        Assert.That(Flat(set.Features), Is.EqualTo(rows.SelectMany(r => r.Features).ToArray()));
    }

    // A view may count more rows than its cursor yields: the dataset holds only the rows read, not the rest of the
    // buffer sized by the count (mutation round 14B).
    [Test]
    public void AViewThatOvercountsItsRowsGivesOnlyTheRowsRead()
    {
        var rows = TestData.Rank2(37, seed: 6);
        var data = new MiscountingView(_ml.Data.LoadFromEnumerable(rows), 40);
        using var set = TrainingDataReader.Read(data, data.Schema["Features"], TestData.Dimension, data.Schema["Label"],
            TargetEncoding.Value, 0, "test", blockElements: 8 * TestData.Dimension);
        Assert.That(set.Features.shape, Is.EqualTo(new long[] { 37, TestData.Dimension }));
        Assert.That(Flat(set.Features), Is.EqualTo(rows.SelectMany(r => r.Features).ToArray()));
    }

    private sealed class MiscountingView(IDataView inner, long rows) : IDataView
    {
        public bool CanShuffle => inner.CanShuffle;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => rows;
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => inner.GetRowCursor(columnsNeeded, rand);
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            inner.GetRowCursorSet(columnsNeeded, n, rand);
    }

    [Test]
    public void SparseVectorsAreDensified()
    {
        var rows = new[]
        {
            new SparseRow { Features = new VBuffer<float>(5, 2, new[] { 1.5f, -2f }, new[] { 1, 4 }), Label = 1 },
            new SparseRow { Features = new VBuffer<float>(5, new[] { 1f, 2f, 3f, 4f, 5f }), Label = 2 },
            new SparseRow { Features = new VBuffer<float>(5, 0, Array.Empty<float>(), Array.Empty<int>()), Label = 3 },
        };
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var set = TrainingDataReader.Read(data, data.Schema["Features"], 5, data.Schema["Label"], TargetEncoding.Value, 0, "test");
        Assert.That(Flat(set.Features), Is.EqualTo(new float[] { 0, 1.5f, 0, 0, -2f, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0 }));
    }

    [Test]
    public void LabelsAreEncodedForEachLoss()
    {
        var binary = TestData.Binary(10, seed: 5);
        var b = _ml.Data.LoadFromEnumerable(binary);
        using (var signed = TrainingDataReader.Read(b, b.Schema["Features"], TestData.Dimension, b.Schema["Label"], TargetEncoding.SignedBoolean, 2, "t"))
            Assert.That(Flat(signed.Targets), Is.EqualTo(binary.Select(r => r.Label ? 1f : -1f).ToArray()));
        using (var index = TrainingDataReader.Read(b, b.Schema["Features"], TestData.Dimension, b.Schema["Label"], TargetEncoding.BooleanIndex, 2, "t"))
            Assert.That(index.Targets.data<long>().ToArray(), Is.EqualTo(binary.Select(r => r.Label ? 1L : 0L).ToArray()));

        var classes = TestData.Classes(12, seed: 6);
        var raw = _ml.Data.LoadFromEnumerable(classes);
        var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
        var keys = keyed.GetColumn<uint>("Label").ToArray();
        using (var idx = TrainingDataReader.Read(keyed, keyed.Schema["Features"], TestData.Dimension, keyed.Schema["Label"], TargetEncoding.KeyIndex, 3, "t"))
            Assert.That(idx.Targets.data<long>().ToArray(), Is.EqualTo(keys.Select(k => (long)k - 1).ToArray()));
        using (var oneHot = TrainingDataReader.Read(keyed, keyed.Schema["Features"], TestData.Dimension, keyed.Schema["Label"], TargetEncoding.KeyOneHot, 3, "t"))
        {
            Assert.That(oneHot.Targets.shape, Is.EqualTo(new long[] { 12, 3 }));
            var expected = keys.SelectMany(k => Enumerable.Range(1, 3).Select(c => c == k ? 1f : 0f)).ToArray();
            Assert.That(Flat(oneHot.Targets), Is.EqualTo(expected));
        }
    }

    // ML.NET's TextLoader gives keys of Byte, UInt16 or UInt64 when asked; the reader takes UInt32 keys, as ML.NET's
    // trainers do, so the others are refused by name before any row is read.
    [TestCase(DataKind.Byte)]
    [TestCase(DataKind.UInt16)]
    [TestCase(DataKind.UInt64)]
    public void AMulticlassLabelKeyOfAnotherWidthIsRefusedByName(DataKind kind)
    {
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"keys-{kind}.csv");
        File.WriteAllLines(path, Enumerable.Range(0, 12).Select(i => $"{i % 3},{i % 5},{i % 7},{i % 2},{i % 4}"));
        var data = _ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Separators = new[] { ',' },
            Columns = new[]
            {
                new TextLoader.Column("Label", kind, 0) { KeyCount = new KeyCount(3) },
                new TextLoader.Column("Features", DataKind.Single, 1, 4),
            },
        }).Load(path);
        var options = new TorchNetworkMulticlassTrainer.Options { Training = new() { MaxEpochs = 1 } };
        var ex = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.Trainers.TorchNetwork(options).Fit(data));
        Assert.That(ex!.Message, Does.Contain("Label column 'Label'").And.Contain("UInt32 keys").And.Contain(kind == DataKind.Byte ? "Byte" : kind.ToString()));
    }

    [Test]
    public void AnEmptyViewIsRefused()
    {
        var data = _ml.Data.LoadFromEnumerable(new List<RegressionRow>());
        var ex = Assert.Throws<ArgumentException>(() =>
            TrainingDataReader.Read(data, data.Schema["Features"], TestData.Dimension, data.Schema["Label"], TargetEncoding.Value, 0, "t"));
        Assert.That(ex!.Message, Does.Contain("no rows"));
    }

    // A view may count fewer rows than its cursor yields: that is refused in words, not written past the tensor its
    // count sized (mutant 20A-M14).
    [Test]
    public void AViewThatUndercountsItsRowsIsRefused()
    {
        var data = new MiscountingView(_ml.Data.LoadFromEnumerable(TestData.Rank2(37, seed: 6)), 30);
        var ex = Assert.Throws<InvalidOperationException>(() => TrainingDataReader.Read(data, data.Schema["Features"], TestData.Dimension,
            data.Schema["Label"], TargetEncoding.Value, 0, "test", blockElements: 8 * TestData.Dimension).Dispose());
        Assert.That(ex!.Message, Is.EqualTo("The input view reported 30 rows but returned more."));
    }

    // At most int.MaxValue rows are read: a view counting more is refused before any tensor is sized by its count
    // (mutant 20A-M15 asked libtorch for the whole count).
    [Test]
    public void AViewOfMoreRowsThanAnIntCanCountIsRefused()
    {
        var data = new MiscountingView(_ml.Data.LoadFromEnumerable(TestData.Rank2(3, seed: 6)), 1L << 40);
        var ex = Assert.Throws<ArgumentException>(() => TrainingDataReader.Read(data, data.Schema["Features"], TestData.Dimension,
            data.Schema["Label"], TargetEncoding.Value, 0, "test").Dispose());
        Assert.That(ex!.Message, Does.StartWith("The training data has 1099511627776 rows; at most 2147483647 are supported."));
    }

    // One-hot targets have one column per class of the label's key type, also when the data hold no row of the last
    // class: the network has K outputs (mutant 20A-M36 took the width from the largest key seen).
    [Test]
    public void OneHotTargetsHaveAColumnForEveryClassEvenOneWithoutRows()
    {
        var rows = TestData.Rank2(8, seed: 7).Select((r, i) => new KeyRow { Features = r.Features, Label = (uint)(i % 2) }).ToList();
        var definition = SchemaDefinition.Create(typeof(KeyRow));
        definition["Label"].ColumnType = new KeyDataViewType(typeof(uint), 3);
        var data = _ml.Data.LoadFromEnumerable(rows, definition);
        var keys = data.GetColumn<uint>("Label").ToArray();
        Assert.That(keys.Max(), Is.LessThan(3), "no row of the third class");
        using var set = TrainingDataReader.Read(data, data.Schema["Features"], TestData.Dimension, data.Schema["Label"], TargetEncoding.KeyOneHot, 3, "t");
        Assert.That(set.Targets.shape, Is.EqualTo(new long[] { 8, 3 }));
        Assert.That(Flat(set.Targets), Is.EqualTo(keys.SelectMany(k => Enumerable.Range(1, 3).Select(c => c == k ? 1f : 0f)).ToArray()));
    }

    // A key past the class count (a view whose values overrun its key type) is refused naming the key and the row,
    // not turned into a class index the network has no output for. Found by mutation testing (round 29B).
    [Test]
    public void AKeyBeyondTheClassCountIsRefusedNamingTheRow()
    {
        var rows = TestData.Rank2(6, seed: 8).Select((r, i) => new KeyRow { Features = r.Features, Label = (uint)(i % 3) }).ToList();
        var definition = SchemaDefinition.Create(typeof(KeyRow));
        definition["Label"].ColumnType = new KeyDataViewType(typeof(uint), 3);
        var data = _ml.Data.LoadFromEnumerable(rows, definition);
        Assert.That(data.GetColumn<uint>("Label").ToArray(), Is.EqualTo(new uint[] { 1, 2, 3, 1, 2, 3 }));
        var ex = Assert.Throws<ArgumentException>(() => TrainingDataReader.Read(data, data.Schema["Features"], TestData.Dimension,
            data.Schema["Label"], TargetEncoding.KeyIndex, 2, "t").Dispose());
        Assert.That(ex!.Message, Does.StartWith("Label column 'Label' holds key 3 at row 2 (counted from 0); keys 1..2 are expected."));
    }
}
