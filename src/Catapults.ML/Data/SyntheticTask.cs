using Catapults.ML.Runtime;

namespace Catapults.ML.Data;

/// <summary>
/// The paper's synthetic regression tasks with x ~ N(0, I_d): rank-2 f*(x) = x₁x₂ and rank-4
/// f*(x) = x₁ + x₁x₂ + x₁x₂x₃ + x₁x₂x₃x₄. Samples are drawn from a generator seeded by the caller.
/// </summary>
public sealed class SyntheticTask : ITargetFunction
{
    /// <summary>Creates a task of the given kind in dimension <paramref name="inputDimension"/> (default 100).</summary>
    public SyntheticTask(SyntheticTaskKind kind, int inputDimension = 100)
    {
        OptionChecks.RequireDefined(kind, "The SyntheticTask kind", nameof(kind));
        int needed = kind == SyntheticTaskKind.Rank2 ? 2 : 4;
        if (inputDimension < needed)
            throw new ArgumentOutOfRangeException(nameof(inputDimension), inputDimension, $"{kind} needs d ≥ {needed}.");
        Kind = kind;
        InputDimension = inputDimension;
    }

    /// <summary>The rank-2 task x₁x₂.</summary>
    public static SyntheticTask Rank2(int inputDimension = 100) => new(SyntheticTaskKind.Rank2, inputDimension);

    /// <summary>The rank-4 task x₁ + x₁x₂ + x₁x₂x₃ + x₁x₂x₃x₄.</summary>
    public static SyntheticTask Rank4(int inputDimension = 100) => new(SyntheticTaskKind.Rank4, inputDimension);

    /// <summary>Which target.</summary>
    public SyntheticTaskKind Kind { get; }

    /// <inheritdoc />
    public int InputDimension { get; }

    /// <inheritdoc />
    public int OutputCount => 1;

    /// <inheritdoc />
    public Tensor Evaluate(Tensor x)
    {
        if (x.dim() != 2 || x.shape[1] != InputDimension)
            throw new ArgumentException($"{Kind} expects inputs [n, {InputDimension}], got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = torch.NewDisposeScope();
        var x1 = x[.., 0];
        var x12 = x1 * x[.., 1];
        Tensor y = Kind == SyntheticTaskKind.Rank2
            ? x12
            : KeptScalars.Plus(KeptScalars.Plus(KeptScalars.Plus(x1, x12), x12 * x[.., 2]), x12 * x[.., 2] * x[.., 3]);
        return y.unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Draws n samples x ~ N(0, I_d) with targets f*(x), from <paramref name="generator"/>.</summary>
    public TensorDataset Sample(int n, torch.Generator generator, string? name = null)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "Sample size must be at least 1.");
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(new long[] { n, InputDimension }, generator: generator);
        Tensor y;
        using (torch.no_grad()) y = Evaluate(x);
        return new TensorDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), name ?? Kind.ToString());
    }

    /// <summary>
    /// Seeded train and test sets: the same seed and counts always give the same data; train and test are disjoint
    /// draws. The test set is drawn after the training set from the same generator, so it changes with
    /// <paramref name="trainCount"/>: to compare training sizes on one test set, draw it with <see cref="Sample"/> and a
    /// generator of its own.
    /// </summary>
    public (TensorDataset Train, TensorDataset Test) CreateSplits(int trainCount, int testCount, long seed)
    {
        using var generator = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        var train = Sample(trainCount, generator, $"{Kind}-train");
        var test = Sample(testCount, generator, $"{Kind}-test");
        return (train, test);
    }
}
