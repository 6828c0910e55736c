using Catapults.Pipelines.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// A prediction view is its input plus columns: it has the input's row count and shuffling ability, its cursors the
/// input cursor's batch and position, and sparse
/// feature vectors are scored as their dense equals, in blocks and one row at a time (where one buffer is reused). Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class PredictionDataViewTests : TinyRegressionModelTests
{
    [Test]
    public void TheViewHasTheInputsRowCountAndShuffling()
    {
        var cached = Ml.Data.Cache(Ml.Data.LoadFromEnumerable(TestData.Rank2(40, seed: 6)));
        var streamed = Ml.Data.LoadFromEnumerable(TestData.Rank2(40, seed: 6).Select(r => r));
        Assert.Multiple(() =>
        {
            Assert.That(Model.Transform(cached).GetRowCount(), Is.EqualTo(40));
            Assert.That(Model.Transform(cached).CanShuffle, Is.True);
            Assert.That(streamed.CanShuffle, Is.False);
            Assert.That(Model.Transform(streamed).CanShuffle, Is.False);
        });
    }

    // A cursor set asked for with a Random over a view that can shuffle is shuffled, as a single cursor is.
    // Found by mutation testing (round 34B).
    [Test]
    public void ACursorSetAskedForWithARandomIsShuffled()
    {
        var rows = TestData.Rank2(40, seed: 6);
        var scored = Model.Transform(Ml.Data.Cache(Ml.Data.LoadFromEnumerable(rows)));
        var columns = new[] { scored.Schema["Label"], scored.Schema["Score"] };
        var cursors = scored.GetRowCursorSet(columns, 1, new Random(9));
        var order = new List<float>();
        foreach (var cursor in cursors)
            using (cursor)
            {
                var label = cursor.GetGetter<float>(columns[0]);
                float l = 0;
                while (cursor.MoveNext())
                {
                    label(ref l);
                    order.Add(l);
                }
            }
        Assert.That(order, Is.EquivalentTo(rows.Select(r => r.Label)));
        Assert.That(order, Is.Not.EqualTo(rows.Select(r => r.Label)), "the cursor set shuffled the rows");
    }

    [Test]
    public void SparseFeaturesAreScoredAsTheirDenseEquals()
    {
        // Rows 0..39 dense and nonzero everywhere, rows 40..79 sparse with one value: a sparse row read into a buffer
        // that held a dense one must not keep the dense row's other values.
        var rng = new Random(4);
        var rows = Enumerable.Range(0, 80).Select(i =>
        {
            var x = TestData.Gaussian(rng, TestData.Dimension).Select(v => v + 3f).ToArray();
            return i < 40
                ? new SparseRow { Features = new VBuffer<float>(TestData.Dimension, x) }
                : new SparseRow { Features = new VBuffer<float>(TestData.Dimension, 1, new[] { x[0] }, new[] { i % TestData.Dimension }) };
        }).ToList();
        var data = Ml.Data.LoadFromEnumerable(rows);
        var expected = rows.Select(r => Model.Model.PredictRaw(r.Features.DenseValues().ToArray())[0]).ToArray();

        // Blocks of rows (Transform) and one row at a time (the row mapper, as PredictionEngine reads).
        var scored = Model.Transform(data);
        using (var cursor = scored.GetRowCursor(new[] { scored.Schema["Score"] }))
            Assert.That(Scores(cursor, cursor.GetGetter<float>(scored.Schema["Score"])), Is.EqualTo(expected).Within(1e-5), "Transform");
        var mapper = Model.GetRowToRowMapper(data.Schema);
        using var input = data.GetRowCursor(data.Schema);
        using var row = mapper.GetRow(input, new[] { mapper.OutputSchema["Score"] });
        Assert.That(Scores(input, row.GetGetter<float>(mapper.OutputSchema["Score"])), Is.EqualTo(expected).Within(1e-5), "row mapper");
    }

    private static List<float> Scores(DataViewRowCursor cursor, ValueGetter<float> score)
    {
        var scores = new List<float>();
        float s = 0;
        while (cursor.MoveNext())
        {
            score(ref s);
            scores.Add(s);
        }
        return scores;
    }

    [Test]
    public void ACursorHasItsInputCursorsBatchAndPosition()
    {
        var scored = Model.Transform(new BatchSeven(Ml.Data.LoadFromEnumerable(TestData.Rank2(3, seed: 6))));
        using var cursor = scored.GetRowCursor(scored.Schema);
        Assert.That(cursor.MoveNext());
        Assert.That(cursor.MoveNext());
        Assert.That((cursor.Batch, cursor.Position), Is.EqualTo((7L, 1L)));
    }

    /// <summary>A view whose cursors say they belong to batch 7 (as the cursors of a cursor set may).</summary>
    private sealed class BatchSeven(IDataView inner) : IDataView
    {
        public bool CanShuffle => inner.CanShuffle;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => inner.GetRowCount();
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
            new Cursor(inner.GetRowCursor(columnsNeeded, rand));
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor(DataViewRowCursor cursor) : DataViewRowCursor
        {
            public override DataViewSchema Schema => cursor.Schema;
            public override long Position => cursor.Position;
            public override long Batch => 7;
            public override ValueGetter<DataViewRowId> GetIdGetter() => cursor.GetIdGetter();
            public override bool IsColumnActive(DataViewSchema.Column column) => cursor.IsColumnActive(column);
            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => cursor.GetGetter<TValue>(column);
            public override bool MoveNext() => cursor.MoveNext();

            protected override void Dispose(bool disposing)
            {
                if (disposing) cursor.Dispose();
                base.Dispose(disposing);
            }
        }
    }

    public sealed class SparseRow
    {
        [VectorType(TestData.Dimension)] public VBuffer<float> Features { get; set; }
        public float Label { get; set; }
    }
}
