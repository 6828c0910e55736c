namespace Catapults.Pipelines.Prediction;

/// <summary>
/// Turns a network's raw outputs into ML.NET's standard prediction columns for one task: which columns exist, their
/// types and annotations, and how each value is computed from f(x).
/// </summary>
internal abstract class PredictionHead
{
    internal const string ScoreColumn = "Score";
    internal const string ProbabilityColumn = "Probability";
    internal const string PredictedLabelColumn = "PredictedLabel";

    /// <summary>The task.</summary>
    public abstract PredictionKind Kind { get; }

    /// <summary>Number of network outputs O the head reads.</summary>
    public abstract int OutputCount { get; }

    /// <summary>The columns, in output order.</summary>
    public abstract IReadOnlyList<OutputColumnSpec> Columns { get; }

    /// <summary>A typed <see cref="ValueGetter{TValue}"/> for column <paramref name="column"/> of <see cref="Columns"/>.</summary>
    public abstract Delegate CreateGetter(int column, IRawOutputSource source);

    /// <summary>
    /// Annotations ML.NET's own predictors put on their outputs (score column kind and value kind), so that tools that
    /// look columns up by role find them.
    /// </summary>
    protected static DataViewSchema.Annotations RoleAnnotations(string columnKind, string valueKind, Action<DataViewSchema.Annotations.Builder>? extra = null)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.AddPrimitiveValue("ScoreColumnKind", TextDataViewType.Instance, columnKind.AsMemory());
        builder.AddPrimitiveValue("ScoreValueKind", TextDataViewType.Instance, valueKind.AsMemory());
        extra?.Invoke(builder);
        return builder.ToAnnotations();
    }
}
