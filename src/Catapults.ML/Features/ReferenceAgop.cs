using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;

namespace Catapults.ML.Features;

/// <summary>
/// The reference AGOP G* against which a trained model's AGOP is aligned: from a differentiable target function, in
/// closed form for the synthetic tasks, from a reference model (for real data, e.g. one trained longer or wider), or
/// from a given matrix. The static methods compute G* now, as a float64 [d, d] tensor that joins the caller's dispose
/// scope. An instance (<see cref="OfTarget"/>, <see cref="OfModel"/>, <see cref="OfMatrix"/>) is a reference that is
/// computed later over the inputs of the evaluation (<see cref="Compute"/>), as the ML.NET alignment evaluators do.
/// </summary>
public sealed class ReferenceAgop
{
    private readonly Func<Tensor, Tensor> _compute;

    private ReferenceAgop(string description, long inputDimension, Func<Tensor, Tensor> compute)
    {
        Description = description;
        InputDimension = inputDimension;
        _compute = compute;
    }

    /// <summary>What the reference is, in words.</summary>
    public string Description { get; }

    /// <summary>The number of input features d the reference is defined over.</summary>
    public long InputDimension { get; }

    /// <summary>G* = the AGOP of a differentiable target function f* over the evaluated inputs.</summary>
    public static ReferenceAgop OfTarget(ITargetFunction target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new ReferenceAgop($"AGOP of {target.GetType().Name}", target.InputDimension, x => FromTarget(target, x));
    }

    /// <summary>
    /// G* = the AGOP of a reference model over the evaluated inputs (read, never changed or disposed); the inputs move
    /// to the model's device. Image models take the flat pixels, so G* is the AGOP with respect to the pixels.
    /// </summary>
    public static ReferenceAgop OfModel(NetworkModule model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ReferenceAgop($"AGOP of {model.Describe()}", model.InputDimension, x =>
        {
            var device = model.parameters().FirstOrDefault()?.device;
            return FromModel(model, device is null ? x : x.to(device));
        });
    }

    /// <summary>
    /// Smallest eigenvalue allowed in a matrix given to <see cref="OfMatrix"/>, relative to its largest eigenvalue
    /// magnitude: λ_min ≥ −<see cref="PsdTolerance"/> · max|λ|. An AGOP is an average of outer products, so it is
    /// positive semidefinite; this leaves room for rounding in a matrix written out to a few digits.
    /// </summary>
    public const double PsdTolerance = 1e-6;

    /// <summary>
    /// G* = a given symmetric d×d matrix (d ≥ 1), checked as <see cref="FromMatrix(double[,])"/> checks it and also to be
    /// positive semidefinite within <see cref="PsdTolerance"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The matrix is empty, not square, not finite, not symmetric or not positive semidefinite.</exception>
    public static ReferenceAgop OfMatrix(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        // A 0×0 reference would be accepted here and fail only at the first evaluation, far from the cause.
        if (matrix.Length == 0)
            throw new ArgumentException($"A reference AGOP must be a d×d matrix with d ≥ 1, got {matrix.GetLength(0)}×{matrix.GetLength(1)}.", nameof(matrix));
        var copy = (double[,])matrix.Clone();
        using (var scope = torch.NewDisposeScope())
        {
            // A matrix with negative eigenvalues is no AGOP: its cosine can be negative, and a fractional power
            // clamps those eigenvalues away (a negative definite matrix then reads as "zero").
            var eigenvalues = torch.linalg.eigvalsh(FromMatrix(copy));
            double smallest = eigenvalues.min().ReadDouble();
            double largest = eigenvalues.abs().max().ReadDouble();
            if (smallest < -PsdTolerance * largest)
                throw new ArgumentException(
                    $"A reference AGOP must be positive semidefinite; its smallest eigenvalue is {smallest:G6} " +
                    $"(allowed down to -{PsdTolerance:G1} × the largest magnitude {largest:G6}).", nameof(matrix));
        }
        return new ReferenceAgop($"a given {copy.GetLength(0)}×{copy.GetLength(0)} matrix", copy.GetLength(0), _ => FromMatrix(copy));
    }

    /// <summary>
    /// G* over <paramref name="features"/> [n, d] (float64 [d, d], joining the caller's dispose scope).
    /// </summary>
    /// <exception cref="ArgumentException">The features do not have the reference's d columns.</exception>
    public Tensor Compute(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2 || features.shape[1] != InputDimension)
            throw new ArgumentException(
                features.dim() == 2
                    ? $"The reference ({Description}) is defined over {InputDimension} features; the evaluated inputs have {features.shape[1]} features."
                    : $"The reference ({Description}) needs inputs [n, {InputDimension}]; got shape [{string.Join(", ", features.shape)}].",
                nameof(features));
        return _compute(features);
    }

    /// <summary>
    /// The exact AGOP of the rank-2 task f*(x) = x₁x₂ under x ~ N(0, I_d): ∇f* = (x₂, x₁, 0, …), so
    /// G* = E[∇f*∇f*ᵀ] = diag(E x₂², E x₁², 0, …) = diag(1, 1, 0, …), the off-diagonal E[x₁x₂] being 0.
    /// </summary>
    public static Tensor Rank2(int inputDimension) => Diagonal(inputDimension, new[] { 1.0, 1.0 }, "Rank2");

    /// <summary>
    /// The exact AGOP of the rank-4 task f*(x) = x₁ + x₁x₂ + x₁x₂x₃ + x₁x₂x₃x₄ under x ~ N(0, I_d):
    /// G* = diag(4, 3, 2, 1, 0, …).
    /// </summary>
    /// <remarks>
    /// Derivation. The partial derivatives are
    /// ∂₁f = 1 + x₂ + x₂x₃ + x₂x₃x₄,  ∂₂f = x₁(1 + x₃ + x₃x₄),  ∂₃f = x₁x₂(1 + x₄),  ∂₄f = x₁x₂x₃,
    /// and ∂ⱼf = 0 for j &gt; 4. For independent standard normals, distinct multilinear monomials (products of distinct
    /// coordinates) are orthonormal: E[m m'] = 1 if m = m' and 0 otherwise, because a coordinate appearing once has
    /// mean 0 and one appearing twice has E x² = 1.
    /// Diagonal: E(∂₁f)² = 1 + 1 + 1 + 1 = 4 (four orthonormal monomials); E(∂₂f)² = E x₁² · (1 + 1 + 1) = 3;
    /// E(∂₃f)² = E x₁² E x₂² · (1 + 1) = 2; E(∂₄f)² = 1.
    /// Off-diagonal: for j &lt; k ≤ 4, ∂ⱼf contains no xⱼ while ∂ₖf contains xⱼ exactly once as a common factor
    /// (∂₂f, ∂₃f, ∂₄f all carry x₁; ∂₃f, ∂₄f carry x₂; ∂₄f carries x₃), so every term of ∂ⱼf ∂ₖf has xⱼ to the first
    /// power and the expectation is 0. Hence G* is diagonal: diag(4, 3, 2, 1, 0, …).
    /// </remarks>
    public static Tensor Rank4(int inputDimension) => Diagonal(inputDimension, new[] { 4.0, 3.0, 2.0, 1.0 }, "Rank4");

    /// <summary>The closed-form AGOP of a synthetic task under x ~ N(0, I_d) (<see cref="Rank2"/> or <see cref="Rank4"/>).</summary>
    public static Tensor ClosedForm(SyntheticTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Kind switch
        {
            SyntheticTaskKind.Rank2 => Rank2(task.InputDimension),
            SyntheticTaskKind.Rank4 => Rank4(task.InputDimension),
            _ => throw new ArgumentOutOfRangeException(nameof(task), task.Kind, "No closed form for this task."),
        };
    }

    /// <summary>The AGOP of a differentiable target function over <paramref name="features"/> [n, d], by autograd.</summary>
    public static Tensor FromTarget(ITargetFunction target, Tensor features, AgopOptions? options = null) =>
        Agop.Compute(target, features, options);

    /// <summary>
    /// The AGOP of a target function over <paramref name="sampleCount"/> fresh draws x ~ N(0, I_d) from the
    /// <see cref="Seeding.Stream.Diagnostics"/> stream of <paramref name="seed"/>: a Monte-Carlo estimate of the
    /// population AGOP, for targets without a closed form.
    /// </summary>
    public static Tensor FromTarget(ITargetFunction target, int sampleCount, long seed, AgopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (sampleCount < 1) throw new ArgumentOutOfRangeException(nameof(sampleCount), sampleCount, "The sample count must be at least 1.");
        using var scope = torch.NewDisposeScope();
        using var generator = Seeding.TorchGenerator(seed, Seeding.Stream.Diagnostics);
        var x = torch.randn(new long[] { sampleCount, target.InputDimension }, generator: generator);
        return Agop.Compute(target, x, options).MoveToOuterDisposeScope();
    }

    /// <summary>The AGOP of a reference (e.g. teacher or fully trained) model over <paramref name="features"/>.</summary>
    public static Tensor FromModel(NetworkModule reference, Tensor features, AgopOptions? options = null) =>
        Agop.Compute(reference, features, options);

    /// <summary>The AGOP of a reference model over the features of <paramref name="data"/>.</summary>
    public static Tensor FromModel(NetworkModule reference, TensorDataset data, AgopOptions? options = null) =>
        Agop.Compute(reference, data, options);

    /// <summary>
    /// A given matrix as reference: checked to be square, finite and symmetric, and returned as a float64 copy.
    /// </summary>
    public static Tensor FromMatrix(Tensor matrix) => SymmetricMatrices.CheckedSymmetric(matrix, "reference AGOP", nameof(matrix));

    /// <summary>A given matrix as reference, from a .NET array (checked like <see cref="FromMatrix(Tensor)"/>).</summary>
    public static Tensor FromMatrix(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(matrix, ScalarType.Float64);
        return FromMatrix(t).MoveToOuterDisposeScope();
    }

    private static Tensor Diagonal(int inputDimension, double[] leading, string task)
    {
        if (inputDimension < leading.Length)
            throw new ArgumentOutOfRangeException(nameof(inputDimension), inputDimension, $"{task} needs d ≥ {leading.Length}.");
        TorchRuntime.EnsureLoaded();
        var diagonal = new double[inputDimension];
        leading.CopyTo(diagonal, 0);
        using var scope = torch.NewDisposeScope();
        return torch.diag(torch.tensor(diagonal, ScalarType.Float64)).MoveToOuterDisposeScope();
    }
}
