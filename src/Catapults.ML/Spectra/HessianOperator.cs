using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;

namespace Catapults.ML.Spectra;

/// <summary>
/// The Hessian H = ∇²L(w) of the training loss on the P-dimensional parameter space, as a matrix-free self-adjoint
/// operator on the data-loop base <see cref="ModelDataOperator{TGraph}"/>: each product Hv is one double-backward
/// pass, ∇_w⟨∇_w L(w), v⟩ (for the squared error of a network that declares its <see cref="IDenseLayerChain"/> and
/// trains every parameter, the same product by a hand-written R-operator sweep instead). The loss has the engine's
/// normalisation (<see cref="Losses.Compute"/>: MSE L = 1/n Σᵢ‖f(xᵢ) − yᵢ‖², cross-entropy the mean over samples), so
/// streamed chunks enter with the base's weights count/n. The operator describes the Hessian at the weights the model holds when a product is taken; with
/// <see cref="HessianOptions.RetainGraph"/> and one chunk it is a snapshot at the weights of the first product, so
/// create a new operator after the weights change.
/// </summary>
public sealed class HessianOperator : ModelDataOperator<HessianOperator.GradientGraph>
{
    /// <summary>The Hessian of <paramref name="loss"/> over <paramref name="data"/> (or a subset, see <see cref="HessianOptions.SubsetSize"/>).</summary>
    public HessianOperator(NetworkModule model, TensorDataset data, LossKind loss, HessianOptions? options = null)
        : this(model, (data ?? throw new ArgumentNullException(nameof(data))).Features, data.Targets, loss, options)
    {
    }

    /// <summary>
    /// The Hessian of <paramref name="loss"/> over the samples (<paramref name="features"/> [n, ...],
    /// <paramref name="targets"/> [n, O] float32 for MSE or [n] int64 for cross-entropy). The tensors are copied.
    /// </summary>
    public HessianOperator(NetworkModule model, Tensor features, Tensor targets, LossKind loss, HessianOptions? options = null)
        : this(model, JacobianOperator.TrainableParameters(model), Samples(features, targets, loss, Checked(options)), loss, Checked(options))
    {
    }

    private HessianOperator(NetworkModule model, Tensor[] parameters, (Tensor Features, Tensor Targets) samples, LossKind loss, HessianOptions options)
        : base(model, parameters, Copy(samples.Features, parameters[0], true), Copy(samples.Targets, parameters[0], false),
            options.ChunkSize, options.RetainGraph, parameters.Sum(p => p.numel()), parameters.Sum(p => p.numel()))
    {
        Loss = loss;
    }

    private static HessianOptions Checked(HessianOptions? options)
    {
        var o = (options ?? new HessianOptions()).Clone();
        o.Validate();
        return o;
    }

    // The samples the loss averages over: all of them, or a fixed random subset drawn once.
    private static (Tensor, Tensor) Samples(Tensor features, Tensor targets, LossKind loss, HessianOptions o)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        OptionChecks.RequireDefined(loss, "The loss", nameof(loss));
        if (features.dim() < 2 || features.shape[0] < 1)
            throw new ArgumentException($"Features must be a batch [n, ...] with n ≥ 1, got [{string.Join(", ", features.shape)}].", nameof(features));
        if (targets.dim() < 1 || targets.shape[0] != features.shape[0])
            throw new ArgumentException(
                $"Targets must have one row per sample ({features.shape[0]}), got [{string.Join(", ", targets.shape)}].", nameof(targets));
        if (!(o.SubsetSize is int subset && subset < features.shape[0])) return (features, targets);
        var generator = Seeding.TorchGenerator(o.SubsetSeed, Seeding.Stream.Diagnostics);
        var indices = torch.randperm(features.shape[0], generator: generator).narrow(0, 0, subset).to(features.device);
        return (features.index_select(0, indices), targets.index_select(0, indices));
    }

    private static Tensor Copy(Tensor t, Tensor parameter, bool toWorkingType)
    {
        using var scope = torch.NewDisposeScope();
        var moved = toWorkingType && t.is_floating_point() ? t.to(parameter.dtype, parameter.device) : t.to(parameter.device);
        return moved.clone().DetachFromDisposeScope();
    }

    /// <summary>The loss whose Hessian this is.</summary>
    public LossKind Loss { get; }

    /// <summary>Number of Hessian-vector products taken so far (a block of k columns counts k).</summary>
    public int Products { get; private set; }

    /// <summary>The loss over the operator's samples at the current weights (streamed, no graph kept).</summary>
    public double LossValue()
    {
        ThrowIfDisposed();
        using var scope = torch.NewDisposeScope();
        using var mode = new EvaluationModeScope(Model, recordGradients: true);
        using var noGrad = torch.no_grad();
        double total = 0;
        foreach (var chunk in Chunks())
        {
            using var inner = torch.NewDisposeScope();
            total += ChunkLoss(chunk).ReadDouble() * chunk.Count;
        }
        return total / SampleCount;
    }

    /// <summary>The gradient ∇L [P] over the operator's samples at the current weights, flat, in the working dtype.</summary>
    public Tensor Gradient()
    {
        ThrowIfDisposed();
        using var scope = torch.NewDisposeScope();
        using var mode = new EvaluationModeScope(Model, recordGradients: true);
        var total = ParameterTensors.Select(p => torch.zeros_like(p, requires_grad: false)).ToArray();
        foreach (var chunk in Chunks())
        {
            using var inner = torch.NewDisposeScope();
            var loss = WeightedChunkLoss(chunk);
            var grads = torch.autograd.grad(new[] { loss }, ParameterTensors, retain_graph: false, create_graph: false, allow_unused: true);
            for (int i = 0; i < total.Length; i++)
                if (grads[i] is { } g && !g.IsInvalid) KeptScalars.AddInPlace(total[i], g.detach());
        }
        return ParameterVector.Flatten(total).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Top eigenpairs of this Hessian with the project's one solver. <see cref="LanczosOptions.Which"/> picks the end:
    /// <see cref="SpectrumEnd.LargestAlgebraic"/> (default), <see cref="SpectrumEnd.LargestMagnitude"/>, or
    /// <see cref="SpectrumEnd.SmallestAlgebraic"/> for the most negative eigenvalues. <paramref name="warmStart"/>
    /// ([P] or [P, j], e.g. the previous eigenvectors) starts the iteration near the answer.
    /// </summary>
    public EigenpairResult TopEigenpairs(int count, LanczosOptions? options = null, Tensor? warmStart = null)
    {
        ThrowIfDisposed();
        return LanczosEigensolver.Solve(this, count, options ?? new LanczosOptions { Tolerance = 1e-5 }, warmStart);
    }

    /// <inheritdoc />
    public override bool IsSelfAdjoint => true;

    /// <inheritdoc />
    protected override Tensor MatMat(Tensor block)
    {
        Products += (int)block.shape[1];
        return SumOverChunks((graph, chunk) =>
        {
            long k = block.shape[1];
            var columns = new Tensor[k];
            // Every column but the last keeps a chunk's graph; a retained graph is kept for later products too.
            for (long j = 0; j < k; j++)
                columns[j] = graph.Differentiate(ParameterTensors, block[.., j].contiguous(), keepGraph: chunk.Retained || j + 1 < k);
            return torch.stack(columns, 1);
        });
    }

    /// <inheritdoc />
    protected override GradientGraph BuildGraph(SampleChunk chunk)
    {
        using var scope = torch.NewDisposeScope();
        // The chunk's share of L = 1/n Σᵢ‖f − y‖² is (count/n)·(1/count) Σ_chunk, so the products' loss scale is 2/n.
        if (DenseChainHessian.TryCreate(Model, ParameterTensors, Loss, Features.narrow(0, chunk.Start, chunk.Count),
                Targets!.narrow(0, chunk.Start, chunk.Count), 2 * chunk.Weight / chunk.Count) is { } chain)
            return new GradientGraph(chain);
        var loss = WeightedChunkLoss(chunk);
        var grads = torch.autograd.grad(new[] { loss }, ParameterTensors, retain_graph: true, create_graph: true, allow_unused: true);
        var result = new Tensor?[ParameterTensors.Length];
        for (int i = 0; i < result.Length; i++)
        {
            // A gradient that does not require grad is constant in w: its rows of H are zero.
            bool live = grads[i] is { } g && !g.IsInvalid && g.requires_grad;
            result[i] = live ? grads[i].DetachFromDisposeScope() : null;
        }
        return new GradientGraph(result);
    }

    private Tensor WeightedChunkLoss(SampleChunk chunk)
    {
        var loss = ChunkLoss(chunk);
        if (!loss.requires_grad)
            throw new InvalidOperationException($"The loss of {Model.GetType().Name} does not depend on any trainable parameter.");
        return chunk.Count == SampleCount ? loss : KeptScalars.Times(loss, chunk.Weight);
    }

    private Tensor ChunkLoss(SampleChunk chunk)
    {
        var output = Model.forward(Features.narrow(0, chunk.Start, chunk.Count));
        if (output.dim() != 2 || output.shape[0] != chunk.Count)
            throw new InvalidOperationException(
                $"{Model.GetType().Name} returned [{string.Join(", ", output.shape)}] for {chunk.Count} inputs; expected [{chunk.Count}, O].");
        return Losses.Compute(Loss, output, Targets!.narrow(0, chunk.Start, chunk.Count));
    }

    /// <summary>
    /// ∇_w L of one chunk with its graph (create_graph), so that it can be differentiated once more (null where L does
    /// not depend on a parameter); or, for the squared error of a dense layer chain, the first-order quantities its
    /// R-operator products need.
    /// </summary>
    public sealed class GradientGraph : IDisposable
    {
        private readonly Tensor?[] _gradient;
        private readonly DenseChainHessian? _chain;

        internal GradientGraph(Tensor?[] gradient) => _gradient = gradient;

        internal GradientGraph(DenseChainHessian chain)
        {
            _gradient = Array.Empty<Tensor?>();
            _chain = chain;
        }

        // Hv = ∇_w⟨∇_w L, v⟩ for a flat tangent v [P], as a flat vector [P].
        internal Tensor Differentiate(Tensor[] parameters, Tensor v, bool keepGraph)
        {
            if (_chain is not null) return _chain.Apply(v);
            using var scope = torch.NewDisposeScope();
            var tangent = ParameterVector.Split(v, parameters);
            Tensor? dot = null;
            for (int i = 0; i < _gradient.Length; i++)
            {
                if (_gradient[i] is not { } g) continue;
                var term = (g * tangent[i]).sum();
                dot = dot is null ? term : KeptScalars.Plus(dot, term);
            }
            var result = new Tensor[parameters.Length];
            if (dot is null || !dot.requires_grad)
            {
                for (int i = 0; i < result.Length; i++) result[i] = torch.zeros_like(parameters[i], requires_grad: false);
                return ParameterVector.Flatten(result).MoveToOuterDisposeScope();
            }
            var hv = torch.autograd.grad(new[] { dot }, parameters, retain_graph: keepGraph, create_graph: false, allow_unused: true);
            for (int i = 0; i < result.Length; i++)
                result[i] = hv[i] is { } h && !h.IsInvalid ? h.detach() : torch.zeros_like(parameters[i], requires_grad: false);
            return ParameterVector.Flatten(result).MoveToOuterDisposeScope();
        }

        /// <inheritdoc />
        public void Dispose()
        {
            foreach (var g in _gradient) g?.Dispose();
            _chain?.Dispose();
        }
    }
}
