using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Prediction;

/// <summary>The raw network outputs f(x) of the row a getter is asked about (computed on demand).</summary>
internal interface IRawOutputSource
{
    /// <summary>f(x) of the current row, O values.</summary>
    ReadOnlySpan<float> Current();
}

/// <summary>An output column a head adds to the input.</summary>
internal sealed record OutputColumnSpec(string Name, DataViewType Type, DataViewSchema.Annotations Annotations);

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

/// <summary>Binary classification, for either loss (see <see cref="ClassificationLoss"/>).</summary>
internal sealed class BinaryHead : PredictionHead
{
    private readonly OutputColumnSpec[] _columns =
    {
        new(ScoreColumn, NumberDataViewType.Single, RoleAnnotations("BinaryClassification", "Score")),
        new(ProbabilityColumn, NumberDataViewType.Single, RoleAnnotations("BinaryClassification", "Probability")),
        new(PredictedLabelColumn, BooleanDataViewType.Instance, RoleAnnotations("BinaryClassification", "PredictedLabel")),
    };

    public BinaryHead(ClassificationLoss loss) => Loss = loss;

    public ClassificationLoss Loss { get; }
    public override PredictionKind Kind => PredictionKind.BinaryClassification;
    public override int OutputCount => Loss == ClassificationLoss.CrossEntropy ? 2 : 1;
    public override IReadOnlyList<OutputColumnSpec> Columns => _columns;

    /// <summary>The score: f(x) for MSE on ±1, the log-odds z_true − z_false for cross-entropy.</summary>
    public float Score(ReadOnlySpan<float> raw) => Loss == ClassificationLoss.CrossEntropy ? raw[1] - raw[0] : raw[0];

    /// <summary>The probability of the positive class implied by <paramref name="score"/>.</summary>
    public float Probability(float score) => Loss == ClassificationLoss.CrossEntropy
        ? (float)(1.0 / (1.0 + Math.Exp(-(double)score)))
        : Math.Clamp((1f + score) / 2f, 0f, 1f);

    public override Delegate CreateGetter(int column, IRawOutputSource source) => column switch
    {
        0 => (ValueGetter<float>)((ref float value) => value = Score(source.Current())),
        1 => (ValueGetter<float>)((ref float value) => value = Probability(Score(source.Current()))),
        2 => (ValueGetter<bool>)((ref bool value) => value = Score(source.Current()) > 0),
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };
}

/// <summary>Multiclass classification over K classes, for either loss (see <see cref="ClassificationLoss"/>).</summary>
internal sealed class MulticlassHead : PredictionHead
{
    private readonly OutputColumnSpec[] _columns;

    public MulticlassHead(ClassificationLoss loss, int classCount, KeyValueSet? keyValues)
    {
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A multiclass head needs at least 2 classes.");
        if (keyValues is not null && keyValues.Count != classCount)
            throw new ArgumentException($"{keyValues.Count} key values for {classCount} classes.", nameof(keyValues));
        Loss = loss;
        ClassCount = classCount;
        KeyValues = keyValues;
        var names = keyValues?.ToNames();
        var scoreAnnotations = RoleAnnotations("MulticlassClassification", "Score", b =>
        {
            if (names is null) return;
            b.Add(KeyValueSet.SlotNamesKind, new VectorDataViewType(TextDataViewType.Instance, names.Length),
                (ref VBuffer<ReadOnlyMemory<char>> dst) =>
                    dst = new VBuffer<ReadOnlyMemory<char>>(names.Length, names.Select(n => n.AsMemory()).ToArray()));
        });
        var labelAnnotations = RoleAnnotations("MulticlassClassification", "PredictedLabel", b => keyValues?.AddKeyValues(b));
        _columns = new OutputColumnSpec[]
        {
            new(ScoreColumn, new VectorDataViewType(NumberDataViewType.Single, classCount), scoreAnnotations),
            new(PredictedLabelColumn, new KeyDataViewType(typeof(uint), classCount), labelAnnotations),
        };
    }

    public ClassificationLoss Loss { get; }
    public int ClassCount { get; }
    public KeyValueSet? KeyValues { get; }
    public override PredictionKind Kind => PredictionKind.MulticlassClassification;
    public override int OutputCount => ClassCount;
    public override IReadOnlyList<OutputColumnSpec> Columns => _columns;

    public override Delegate CreateGetter(int column, IRawOutputSource source) => column switch
    {
        0 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            var editor = VBufferEditor.Create(ref value, ClassCount);
            Probabilities(source.Current(), editor.Values);
            value = editor.Commit();
        }),
        1 => (ValueGetter<uint>)((ref uint value) => value = (uint)ArgMax(source.Current()) + 1),
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    /// <summary>Class probabilities from raw outputs: softmax for cross-entropy, the simplex projection for MSE.</summary>
    public void Probabilities(ReadOnlySpan<float> raw, Span<float> result)
    {
        if (Loss == ClassificationLoss.CrossEntropy) Softmax(raw, result);
        else ProjectOntoSimplex(raw, result);
    }

    /// <summary>Index of the largest output; the first one on ties.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>softmax(z), computed in double with the maximum subtracted.</summary>
    public static void Softmax(ReadOnlySpan<float> z, Span<float> result)
    {
        double max = double.NegativeInfinity;
        foreach (var v in z) max = Math.Max(max, v);
        double sum = 0;
        for (int i = 0; i < z.Length; i++) sum += Math.Exp(z[i] - max);
        for (int i = 0; i < z.Length; i++) result[i] = (float)(Math.Exp(z[i] - max) / sum);
    }

    /// <summary>
    /// Euclidean projection onto the probability simplex {p ≥ 0, Σp = 1}: p = max(v − θ, 0) with the θ that makes p sum
    /// to one. It is monotone in each coordinate, so the arg-max of v is kept.
    /// </summary>
    public static void ProjectOntoSimplex(ReadOnlySpan<float> v, Span<float> result)
    {
        int n = v.Length;
        var sorted = new double[n];
        for (int i = 0; i < n; i++) sorted[i] = v[i];
        Array.Sort(sorted);
        Array.Reverse(sorted);
        double cumulative = 0, theta = 0;
        for (int j = 0; j < n; j++)
        {
            cumulative += sorted[j];
            double candidate = (cumulative - 1) / (j + 1);
            if (sorted[j] - candidate > 0) theta = candidate;
        }
        for (int i = 0; i < n; i++) result[i] = (float)Math.Max(v[i] - theta, 0);
    }
}
