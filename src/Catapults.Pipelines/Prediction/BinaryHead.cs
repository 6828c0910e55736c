namespace Catapults.Pipelines.Prediction;

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
