namespace Catapults.Pipelines.Prediction;

/// <summary>Regression: Score = f(x).</summary>
internal sealed class RegressionHead : PredictionHead
{
    private readonly OutputColumnSpec[] _columns =
    {
        new(ScoreColumn, NumberDataViewType.Single, RoleAnnotations("Regression", "Score")),
    };

    public override PredictionKind Kind => PredictionKind.Regression;
    public override int OutputCount => 1;
    public override IReadOnlyList<OutputColumnSpec> Columns => _columns;

    public override Delegate CreateGetter(int column, IRawOutputSource source) =>
        column == 0 ? (ValueGetter<float>)((ref float value) => value = source.Current()[0])
            : throw new ArgumentOutOfRangeException(nameof(column));
}
