using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Spectra;

/// <summary>
/// The Hessian H = ∇²L(w) of the training loss on the P-dimensional parameter space, as a matrix-free symmetric
/// operator: each product Hv is one double-backward pass, ∇_w⟨∇_w L(w), v⟩. The loss has the engine's normalisation
/// (<see cref="Losses.Compute"/>: MSE L = 1/n Σᵢ‖f(xᵢ) − yᵢ‖², cross-entropy the mean over samples), so streamed chunks
/// are summed with weights count/n. The operator describes the Hessian at the weights the model holds when a
/// product is taken; with <see cref="HessianOptions.RetainGraph"/> and one chunk it is a snapshot at the weights of the
/// first product, so create a new operator after the weights change.
/// </summary>
public sealed class HessianOperator : SymmetricOperator, IDisposable
{
    private readonly NetworkModule _model;
    private readonly Tensor[] _parameters;
    private readonly Tensor _features;
    private readonly Tensor _targets;
    private readonly int _chunk;
    private readonly bool _retain;
    private Tensor[]? _retainedGradient;
    private bool _disposed;

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
        : base(CheckedParameterCount(model), ParameterVector.ParametersOf(model)[0].device, ParameterVector.ParametersOf(model)[0].dtype)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        var o = (options ?? new HessianOptions()).Clone();
        o.Validate();
        if (!Enum.IsDefined(loss)) throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss.");
        if (features.dim() < 2 || features.shape[0] < 1)
            throw new ArgumentException($"Features must be a batch [n, ...] with n ≥ 1, got [{string.Join(", ", features.shape)}].", nameof(features));
        if (targets.dim() < 1 || targets.shape[0] != features.shape[0])
            throw new ArgumentException(
                $"Targets must have one row per sample ({features.shape[0]}), got [{string.Join(", ", targets.shape)}].", nameof(targets));
        _model = model;
        Loss = loss;
        _parameters = ParameterVector.ParametersOf(model).Cast<Tensor>().ToArray();
        using var scope = torch.NewDisposeScope();
        var x = features;
        var y = targets;
        if (o.SubsetSize is int subset && subset < features.shape[0])
        {
            var generator = Seeding.TorchGenerator(o.SubsetSeed, Seeding.Stream.Diagnostics);
            var indices = torch.randperm(features.shape[0], generator: generator).narrow(0, 0, subset).to(features.device);
            x = features.index_select(0, indices);
            y = targets.index_select(0, indices);
        }
        _features = (x.is_floating_point() ? x.to(WorkingType, Device) : x.to(Device)).clone().DetachFromDisposeScope();
        _targets = y.to(Device).clone().DetachFromDisposeScope();
        SampleCount = (int)_features.shape[0];
        _chunk = Math.Min(o.ChunkSize, SampleCount);
        _retain = o.RetainGraph && _chunk == SampleCount;
    }

    private static long CheckedParameterCount(NetworkModule model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchRuntime.EnsureLoaded();
        return ParameterVector.Count(model);
    }

    /// <summary>The loss whose Hessian this is.</summary>
    public LossKind Loss { get; }

    /// <summary>Number of samples the loss is averaged over (n).</summary>
    public int SampleCount { get; }

    /// <summary>Number of Hessian-vector products taken so far (a block of k columns counts k).</summary>
    public int Products { get; private set; }

    /// <summary>The model's trainable parameters, in the order of the flat parameter space.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The loss over the operator's samples at the current weights (streamed, no graph kept).</summary>
    public double LossValue()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        using var mode = new DiagnosticModeScope(_model);
        using var noGrad = torch.no_grad();
        double total = 0;
        foreach (var (start, count) in Chunks())
        {
            using var inner = torch.NewDisposeScope();
            total += ChunkLoss(start, count).ToDouble() * count;
        }
        return total / SampleCount;
    }

    /// <summary>The gradient ∇L [P] over the operator's samples at the current weights, flat, in the working dtype.</summary>
    public Tensor Gradient()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        using var mode = new DiagnosticModeScope(_model);
        var total = _parameters.Select(p => torch.zeros_like(p, requires_grad: false)).ToArray();
        foreach (var (start, count) in Chunks())
        {
            using var inner = torch.NewDisposeScope();
            var loss = WeightedChunkLoss(start, count);
            var grads = torch.autograd.grad(new[] { loss }, _parameters, retain_graph: false, create_graph: false, allow_unused: true);
            for (int i = 0; i < total.Length; i++)
                if (grads[i] is { } g && !g.IsInvalid) total[i].add_(g.detach());
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        return LanczosEigensolver.Solve(this, count, options ?? new LanczosOptions { Tolerance = 1e-5 }, warmStart);
    }

    /// <inheritdoc />
    protected override Tensor ApplyVector(Tensor vector)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Products++;
        var tangent = ParameterVector.Split(vector, _parameters);
        using var mode = new DiagnosticModeScope(_model);
        if (_retain)
        {
            if (_retainedGradient is null)
            {
                var built = BuildGradientGraph(0, SampleCount);
                foreach (var g in built) g?.DetachFromDisposeScope();
                _retainedGradient = built;
            }
            return ParameterVector.Flatten(Differentiate(_retainedGradient, tangent, keepGraph: true));
        }
        var total = _parameters.Select(p => torch.zeros_like(p, requires_grad: false)).ToArray();
        foreach (var (start, count) in Chunks())
        {
            using var inner = torch.NewDisposeScope();
            var gradient = BuildGradientGraph(start, count);
            var part = Differentiate(gradient, tangent, keepGraph: false);
            for (int i = 0; i < total.Length; i++) total[i].add_(part[i]);
        }
        return ParameterVector.Flatten(total);
    }

    // ∇_w L_chunk with create_graph, so that it can be differentiated once more; parameters it does not depend on are null.
    private Tensor[] BuildGradientGraph(long start, long count)
    {
        using var scope = torch.NewDisposeScope();
        var loss = WeightedChunkLoss(start, count);
        var grads = torch.autograd.grad(new[] { loss }, _parameters, retain_graph: true, create_graph: true, allow_unused: true);
        var result = new Tensor[_parameters.Length];
        for (int i = 0; i < result.Length; i++)
        {
            // A gradient that does not require grad is constant in w: its rows of H are zero.
            bool live = grads[i] is { } g && !g.IsInvalid && g.requires_grad;
            result[i] = live ? grads[i].MoveToOuterDisposeScope() : null!;
        }
        return result;
    }

    private Tensor[] Differentiate(Tensor[] gradient, IReadOnlyList<Tensor> tangent, bool keepGraph)
    {
        using var scope = torch.NewDisposeScope();
        Tensor? dot = null;
        for (int i = 0; i < gradient.Length; i++)
        {
            if (gradient[i] is null) continue;
            var term = (gradient[i] * tangent[i]).sum();
            dot = dot is null ? term : dot + term;
        }
        var result = new Tensor[_parameters.Length];
        if (dot is null || !dot.requires_grad)
        {
            for (int i = 0; i < result.Length; i++) result[i] = torch.zeros_like(_parameters[i], requires_grad: false).MoveToOuterDisposeScope();
            return result;
        }
        var hv = torch.autograd.grad(new[] { dot }, _parameters, retain_graph: keepGraph, create_graph: false, allow_unused: true);
        for (int i = 0; i < result.Length; i++)
            result[i] = (hv[i] is { } h && !h.IsInvalid ? h.detach() : torch.zeros_like(_parameters[i], requires_grad: false)).MoveToOuterDisposeScope();
        return result;
    }

    private Tensor WeightedChunkLoss(long start, long count)
    {
        var loss = ChunkLoss(start, count);
        if (!loss.requires_grad)
            throw new InvalidOperationException($"The loss of {_model.GetType().Name} does not depend on any trainable parameter.");
        return count == SampleCount ? loss : loss * ((double)count / SampleCount);
    }

    private Tensor ChunkLoss(long start, long count)
    {
        var output = _model.forward(_features.narrow(0, start, count));
        if (output.dim() != 2 || output.shape[0] != count)
            throw new InvalidOperationException(
                $"{_model.GetType().Name} returned [{string.Join(", ", output.shape)}] for {count} inputs; expected [{count}, O].");
        return Losses.Compute(Loss, output, _targets.narrow(0, start, count));
    }

    private IEnumerable<(long Start, long Count)> Chunks()
    {
        for (long start = 0; start < SampleCount; start += _chunk)
            yield return (start, Math.Min(_chunk, SampleCount - start));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_retainedGradient is not null) foreach (var g in _retainedGradient) g?.Dispose();
        _features.Dispose();
        _targets.Dispose();
    }
}
