namespace Catapults.Pipelines.Prediction;

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
        1 => (ValueGetter<uint>)((ref uint value) => value = PredictedKey(source.Current())),
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    /// <summary>Class probabilities from raw outputs: softmax for cross-entropy, the simplex projection for MSE.</summary>
    public void Probabilities(ReadOnlySpan<float> raw, Span<float> result)
    {
        if (Loss == ClassificationLoss.CrossEntropy) Softmax(raw, result);
        else ProjectOntoSimplex(raw, result);
    }

    /// <summary>
    /// The predicted label as a key: the arg-max plus one, or 0 (the missing key, as ML.NET's own multiclass trainers
    /// give) when an output is NaN, where no class is largest.
    /// </summary>
    public static uint PredictedKey(ReadOnlySpan<float> raw)
    {
        foreach (float v in raw) if (float.IsNaN(v)) return 0;
        return (uint)ArgMax(raw) + 1;
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
