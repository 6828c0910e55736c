using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Tests.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// The row-to-row mapper of a prediction transformer (what PredictionEngine and transformer chains use): it depends on
/// the feature column only for prediction columns, reads no features when none is asked for, and refuses a row of
/// another schema. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class PredictionRowMapperTests : TinyRegressionModelTests
{
    [Test]
    public void APredictionColumnDependsOnTheFeaturesAndAPassThroughColumnOnItself()
    {
        var mapper = Model.GetRowToRowMapper(TrainingData.Schema);
        var output = mapper.OutputSchema;
        string[] Dependencies(params string[] columns) => mapper.GetDependencies(columns.Select(c => output[c])).Select(c => c.Name).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(Dependencies("Score"), Is.EqualTo(new[] { "Features" }));
            Assert.That(Dependencies("Label"), Is.EqualTo(new[] { "Label" }));
            Assert.That(Dependencies("Label", "Score"), Is.EquivalentTo(new[] { "Features", "Label" }));
            Assert.That(Dependencies(), Is.Empty);
        });
    }

    [Test]
    public void ARowWithoutPredictionColumnsReadsNoFeatures()
    {
        var mapper = Model.GetRowToRowMapper(TrainingData.Schema);
        // The input cursor reads the label only: its feature getter would throw.
        using var input = TrainingData.GetRowCursor(new[] { TrainingData.Schema["Label"] });
        using var row = mapper.GetRow(input, new[] { mapper.OutputSchema["Label"] });
        var label = row.GetGetter<float>(mapper.OutputSchema["Label"]);
        Assert.That(input.MoveNext());
        float value = 0;
        label(ref value);
        Assert.That(value, Is.EqualTo(TestData.Rank2(Tiny.Rows, seed: 5)[0].Label));
    }

    [Test]
    public void ARowOfAnotherSchemaIsRefused()
    {
        var mapper = Model.GetRowToRowMapper(TrainingData.Schema);
        // Features at the same index, but one more column.
        var wider = Ml.Data.LoadFromEnumerable(new[] { new WiderRow { Features = new float[TestData.Dimension] } });
        Assert.That(wider.Schema["Features"].Index, Is.EqualTo(TrainingData.Schema["Features"].Index));
        using var input = wider.GetRowCursor(wider.Schema);
        var ex = Assert.Throws<ArgumentException>(() => mapper.GetRow(input, mapper.OutputSchema));
        Assert.That(ex!.Message, Does.Contain("not the schema this mapper was created for"));
    }

    [Test]
    public void ARowWhoseFeatureSlotHoldsAnotherColumnIsRefused()
    {
        var mapper = Model.GetRowToRowMapper(TrainingData.Schema);
        // As many columns as the training schema, and a vector of the same width where Features was: only the name
        // tells it apart (mutant 19B-M11 compared the column count alone, and scored column X as if it were Features).
        var renamed = Ml.Data.LoadFromEnumerable(new[] { new RenamedRow { X = new float[TestData.Dimension] } });
        Assert.That(renamed.Schema.Count, Is.EqualTo(TrainingData.Schema.Count));
        Assert.That(renamed.Schema["X"].Index, Is.EqualTo(TrainingData.Schema["Features"].Index));
        using var input = renamed.GetRowCursor(renamed.Schema);
        var ex = Assert.Throws<ArgumentException>(() => mapper.GetRow(input, mapper.OutputSchema));
        Assert.That(ex!.Message, Does.Contain("not the schema this mapper was created for"));
    }

    [Test]
    public void ARowWithoutAPositionIsScoredAfreshAtEveryRead()
    {
        // A row that is not a cursor's (position −1) cannot be cached by position: each read is f(x) of its features now.
        var mapper = Model.GetRowToRowMapper(TrainingData.Schema);
        using var cursor = TrainingData.GetRowCursor(TrainingData.Schema);
        using var row = mapper.GetRow(new PositionlessRow(cursor), mapper.OutputSchema);
        var score = row.GetGetter<float>(mapper.OutputSchema["Score"]);
        var rows = TestData.Rank2(Tiny.Rows, seed: 5);
        for (int i = 0; i < 3; i++)
        {
            Assert.That(cursor.MoveNext());
            float value = 0;
            score(ref value);
            Assert.That(value, Is.EqualTo(Model.Model.PredictRaw(rows[i].Features)[0]).Within(1e-5), $"row {i}");
        }
    }

    public sealed class WiderRow
    {
        [VectorType(TestData.Dimension)] public float[] Features { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
        public float Extra { get; set; }
    }

    public sealed class RenamedRow
    {
        [VectorType(TestData.Dimension)] public float[] X { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }

    // A mapped row owns the input row it was made from: disposing it disposes that row, so a caller that disposes
    // what GetRow returned releases the input too. Found by mutation testing (round 29B).
    [Test]
    public void DisposingAMappedRowDisposesItsInputRow()
    {
        var mapper = Model.GetRowToRowMapper(TrainingData.Schema);
        using var cursor = TrainingData.GetRowCursor(TrainingData.Schema);
        var input = new DisposeCountingRow(cursor);
        var row = mapper.GetRow(input, mapper.OutputSchema);
        Assert.That(input.Disposals, Is.EqualTo(0), "not before the mapped row is disposed");
        row.Dispose();
        Assert.That(input.Disposals, Is.EqualTo(1));
    }

    private sealed class DisposeCountingRow(DataViewRow row) : DataViewRow
    {
        public int Disposals { get; private set; }
        public override DataViewSchema Schema => row.Schema;
        public override long Position => row.Position;
        public override long Batch => row.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => row.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => row.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => row.GetGetter<TValue>(column);

        protected override void Dispose(bool disposing)
        {
            if (disposing) Disposals++;
            base.Dispose(disposing);
        }
    }
}
