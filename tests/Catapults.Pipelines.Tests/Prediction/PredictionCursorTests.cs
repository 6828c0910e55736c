using Catapults.Pipelines.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// The cursors of a prediction view: every row's score is f(x) of that row's own features (shuffled cursors, rows read
/// only now and then past a block of predictions), a getter is refused for a column not asked for or of another schema
/// or before the first row, an input whose second cursor ends early is named as such, and disposing a cursor disposes
/// every cursor it opened on the input.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class PredictionCursorTests : TinyRegressionModelTests
{
    // More rows than the first block of predictions (32), so that reads cross blocks.
    private readonly List<RegressionRow> _rows = TestData.Rank2(80, seed: 6);

    /// <summary>f(x) of the row whose label is <paramref name="label"/>, computed one row at a time (labels x₁x₂ are distinct).</summary>
    private float Expected(float label) => Model.Model.PredictRaw(_rows.Single(r => r.Label == label).Features)[0];

    [Test]
    public void AShuffledCursorScoresEachRowWithItsOwnFeatures()
    {
        // Only the label and the score are asked for: the cursor must still read the features it needs itself.
        var scored = Model.Transform(Ml.Data.Cache(Ml.Data.LoadFromEnumerable(_rows)));
        var columns = new[] { scored.Schema["Label"], scored.Schema["Score"] };
        using var cursor = scored.GetRowCursor(columns, new Random(9));
        var label = cursor.GetGetter<float>(columns[0]);
        var score = cursor.GetGetter<float>(columns[1]);
        var order = new List<float>();
        float l = 0, s = 0;
        while (cursor.MoveNext())
        {
            label(ref l);
            score(ref s);
            order.Add(l);
            Assert.That(s, Is.EqualTo(Expected(l)).Within(1e-5), $"row with label {l}");
        }
        Assert.That(order, Is.EquivalentTo(_rows.Select(r => r.Label)));
        Assert.That(order, Is.Not.EqualTo(_rows.Select(r => r.Label)), "the cursor shuffled the rows");
    }

    [Test]
    public void ScoresReadOnlyOnSomeRowsAreThoseRowsScores()
    {
        var scored = Model.Transform(Ml.Data.LoadFromEnumerable(_rows));
        var columns = new[] { scored.Schema["Label"], scored.Schema["Score"] };
        using var cursor = scored.GetRowCursor(columns);
        var label = cursor.GetGetter<float>(columns[0]);
        var score = cursor.GetGetter<float>(columns[1]);
        var read = new[] { 0, 40, 41, 75 };
        int row = -1;
        float l = 0, s = 0;
        while (cursor.MoveNext())
        {
            if (Array.IndexOf(read, ++row) < 0) continue;
            label(ref l);
            score(ref s);
            Assert.That(l, Is.EqualTo(_rows[row].Label));
            Assert.That(s, Is.EqualTo(Expected(l)).Within(1e-5), $"row {row}");
        }
        Assert.That(row, Is.EqualTo(_rows.Count - 1));
    }

    [Test]
    public void AScoreAskedForBeforeTheFirstRowIsRefusedSayingSo()
    {
        var scored = Model.Transform(Ml.Data.LoadFromEnumerable(_rows));
        using var cursor = scored.GetRowCursor(new[] { scored.Schema["Score"] });
        var score = cursor.GetGetter<float>(scored.Schema["Score"]);
        float s = 0;
        var ex = Assert.Throws<InvalidOperationException>(() => score(ref s));
        Assert.That(ex!.Message, Does.Contain("call MoveNext first"));
    }

    [Test]
    public void AGetterOfAPredictionColumnNotAskedForIsRefused()
    {
        var scored = Model.Transform(Ml.Data.LoadFromEnumerable(_rows));
        using var cursor = scored.GetRowCursor(new[] { scored.Schema["Label"] });
        Assert.That(cursor.IsColumnActive(scored.Schema["Score"]), Is.False);
        var ex = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<float>(scored.Schema["Score"]));
        Assert.That(ex!.Message, Is.EqualTo("Column 'Score' is not active: ask for it when creating the cursor or row."));
    }

    [Test]
    public void AColumnOfAnotherSchemaIsRefused()
    {
        var scored = Model.Transform(Ml.Data.LoadFromEnumerable(_rows));
        // Index 0 of this schema is 'Label'; index 0 of the scored view is 'Features'.
        var other = Ml.Data.LoadFromEnumerable(new[] { new LabelOnly() }).Schema["Label"];
        Assert.That(other.Index, Is.EqualTo(0));
        // A column just past the scored view's last one.
        var builder = new DataViewSchema.Builder();
        for (int i = 0; i <= scored.Schema.Count; i++) builder.AddColumn($"c{i}", NumberDataViewType.Single);
        var beyond = builder.ToSchema()[scored.Schema.Count];
        using var cursor = scored.GetRowCursor(scored.Schema);
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => cursor.GetGetter<VBuffer<float>>(other));
            Assert.Throws<ArgumentOutOfRangeException>(() => cursor.IsColumnActive(other));
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => cursor.IsColumnActive(beyond));
            Assert.That(ex!.Message, Does.Contain($"Column 'c{scored.Schema.Count}' (index {scored.Schema.Count}) is not a column of this output schema"));
        });
    }

    [Test]
    public void DisposingACursorDisposesTheCursorsItOpenedOnTheInput()
    {
        var input = new CountingView(Ml.Data.LoadFromEnumerable(_rows));
        var scored = Model.Transform(input);
        using (var cursor = scored.GetRowCursor(new[] { scored.Schema["Score"] }))
        {
            var score = cursor.GetGetter<float>(scored.Schema["Score"]);
            float s = 0;
            Assert.That(cursor.MoveNext());
            score(ref s);
            Assert.That(input.Opened, Is.GreaterThanOrEqualTo(1));
        }
        Assert.That(input.Open, Is.Zero, $"{input.Opened} cursors opened on the input");
    }

    [Test]
    public void AViewWhoseSecondCursorEndsEarlyIsRefusedSayingSo()
    {
        // Blocks of predictions are read through a second, unshuffled cursor; one that gives fewer rows than the first
        // breaks that contract, and the message says which.
        var input = new CountingView(Ml.Data.LoadFromEnumerable(_rows)) { LaterCursorRows = 32 };
        var scored = Model.Transform(input);
        using var cursor = scored.GetRowCursor(new[] { scored.Schema["Score"] });
        var score = cursor.GetGetter<float>(scored.Schema["Score"]);
        float s = 0;
        for (int row = 0; row < 32; row++)
        {
            Assert.That(cursor.MoveNext());
            score(ref s);
        }
        Assert.That(cursor.MoveNext());
        var ex = Assert.Throws<InvalidOperationException>(() => score(ref s));
        Assert.That(ex!.Message, Is.EqualTo("The input view returned fewer rows to a second cursor than to the first; a prediction transformer needs a view " +
            "whose unshuffled cursors agree."));
    }

    public sealed class LabelOnly
    {
        public float Label { get; set; }
    }

    /// <summary>A view that counts the cursors opened on it and those still open (and can cut short all but the first).</summary>
    private sealed class CountingView(IDataView inner) : IDataView
    {
        public int Opened;
        public int Open;

        /// <summary>Rows moved onto by every cursor after the first (the cursor that reads blocks of predictions ahead).</summary>
        public int LaterRowsRead;

        /// <summary>When set, every cursor after the first ends after this many rows.</summary>
        public int? LaterCursorRows { get; init; }

        public bool CanShuffle => inner.CanShuffle;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => inner.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            Opened++;
            Open++;
            return new Counted(inner.GetRowCursor(columnsNeeded, rand), this, Opened > 1, Opened > 1 ? LaterCursorRows : null);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Counted(DataViewRowCursor cursor, CountingView view, bool later, int? rows) : DataViewRowCursor
        {
            private bool _disposed;
            public override DataViewSchema Schema => cursor.Schema;
            public override long Position => cursor.Position;
            public override long Batch => cursor.Batch;
            public override ValueGetter<DataViewRowId> GetIdGetter() => cursor.GetIdGetter();
            public override bool IsColumnActive(DataViewSchema.Column column) => cursor.IsColumnActive(column);
            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => cursor.GetGetter<TValue>(column);
            public override bool MoveNext()
            {
                bool moved = (rows is null || cursor.Position + 1 < rows) && cursor.MoveNext();
                if (moved && later) view.LaterRowsRead++;
                return moved;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing && !_disposed)
                {
                    _disposed = true;
                    view.Open--;
                    cursor.Dispose();
                }
                base.Dispose(disposing);
            }
        }
    }

    // Asking a view for a cursor over a column of another schema is refused naming it, not taken as the scored view's
    // column that has its index. Found by mutation testing (round 29B).
    [Test]
    public void ACursorAskedForAColumnOfAnotherSchemaIsRefused()
    {
        var scored = Model.Transform(Ml.Data.LoadFromEnumerable(_rows));
        var other = Ml.Data.LoadFromEnumerable(new[] { new LabelOnly() }).Schema["Label"];
        Assert.That(scored.Schema[other.Index].Name, Is.Not.EqualTo("Label"), "the same index names another column of the scored view");
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => scored.GetRowCursor(new[] { other }).Dispose());
        Assert.That(ex!.Message, Does.Contain("Column 'Label' (index 0) is not a column of this output schema"));
    }

    // A getter of the wrong type for a prediction column is refused naming the column and both types, not with a bare
    // cast error. Found by mutation testing (round 29B).
    [Test]
    public void AGetterOfTheWrongTypeForAPredictionColumnIsRefusedNamingTheTypes()
    {
        var scored = Model.Transform(Ml.Data.LoadFromEnumerable(_rows));
        using var cursor = scored.GetRowCursor(scored.Schema);
        var ex = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<double>(scored.Schema["Score"]));
        Assert.That(ex!.Message, Is.EqualTo("Column 'Score' holds Single values (raw type Single); a getter of Double was asked for."));
    }

    // Predictions are computed in blocks read ahead through a second cursor: 32 rows first, then twice as many each
    // time (64, 128, ...), so a preview of a few rows stays cheap and a long read takes few blocks; the last block
    // takes what is left. Found by mutation testing (round 37B, M15, M16 and M20: another first block, no growth, a
    // lower cap).
    [Test]
    public void BlocksOfPredictionsStartAt32RowsAndDoubleEachTime()
    {
        var rows = TestData.Rank2(300, seed: 6);
        var input = new CountingView(Ml.Data.LoadFromEnumerable(rows));
        var scored = Model.Transform(input);
        using var cursor = scored.GetRowCursor(new[] { scored.Schema["Label"], scored.Schema["Score"] });
        var label = cursor.GetGetter<float>(scored.Schema["Label"]);
        var score = cursor.GetGetter<float>(scored.Schema["Score"]);
        var readAhead = new List<int>();
        float l = 0, s = 0;
        for (int row = 0; row < rows.Count; row++)
        {
            Assert.That(cursor.MoveNext());
            label(ref l);
            score(ref s);
            Assert.That(l, Is.EqualTo(rows[row].Label), $"row {row} in order");
            readAhead.Add(input.LaterRowsRead);
        }
        Assert.That(new[] { 0, 31, 32, 95, 96, 223, 224, 299 }.Select(row => readAhead[row]),
            Is.EqualTo(new[] { 32, 32, 96, 96, 224, 224, 300, 300 }), "rows read ahead after rows 0, 31, 32, 95, 96, 223, 224, 299");
        Assert.That(s, Is.EqualTo(Model.Model.PredictRaw(rows[^1].Features)[0]).Within(1e-5), "the last row, in the last block");
    }
}
