using Catapults.ML.Models;
using Catapults.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Spectra;

/// <summary>
/// The Jacobian J = ∂F/∂w of a model's stacked outputs F(w) ∈ R^{n·O} (sample-major: index i·O + c) with respect to
/// all trainable parameters, at the weights it was created at, as products only: Jᵀv is one vector-Jacobian
/// product, and Ju uses the double-backward trick (differentiate ⟨Jᵀz, u⟩ with respect to a dummy z), since
/// TorchSharp has no forward mode. Works for any <see cref="NetworkModule"/>.
/// </summary>
/// <remarks>
/// Without a chunk size the forward graph of all n samples is built once and kept, so repeated products cost
/// backward passes only. With a chunk size (for sample sets whose graph does not fit in memory) the samples are
/// processed a chunk at a time and each product recomputes the chunks' forward passes. Dispose the operator to
/// release the graph. The model is evaluated in evaluation mode, and the products never touch the parameters'
/// <c>.grad</c> fields, so using it inside a training observer does not change training. Weights must not change
/// while the operator is alive.
/// </remarks>
public sealed class JacobianOperator : IDisposable
{
    private readonly Tensor[] _parameters;
    private readonly Tensor _inputs;
    private readonly int _chunk;
    private readonly GraphChunk? _retained;
    private bool _disposed;

    /// <summary>
    /// Prepares products of <paramref name="model"/>'s Jacobian on <paramref name="inputs"/> ([n, ...]).
    /// <paramref name="chunkSize"/> null keeps the whole graph (fastest); a number bounds memory to that many samples' graph.
    /// </summary>
    public JacobianOperator(NetworkModule model, Tensor inputs, int? chunkSize = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        TorchRuntime.EnsureLoaded();
        if (chunkSize is int c && c < 1) throw new ArgumentOutOfRangeException(nameof(chunkSize), c, "The chunk size must be at least 1.");
        Model = model;
        _parameters = ParameterVector.ParametersOf(model).Cast<Tensor>().ToArray();
        if (inputs.dim() < 2 || inputs.shape[0] < 1)
            throw new ArgumentException($"Inputs must be a batch [n, ...] with n ≥ 1, got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        SampleCount = (int)inputs.shape[0];
        _chunk = Math.Min(chunkSize ?? SampleCount, SampleCount);
        using var scope = torch.NewDisposeScope();
        _inputs = inputs.to(_parameters[0].device).DetachFromDisposeScope();
        if (_chunk == SampleCount)
        {
            _retained = GraphChunk.Build(model, _parameters, _inputs, 0, SampleCount);
            OutputCount = _retained.OutputCount;
        }
        else
        {
            using var first = GraphChunk.Build(model, _parameters, _inputs, 0, 1);
            OutputCount = first.OutputCount;
        }
        ParameterCount = _parameters.Sum(p => p.numel());
    }

    /// <summary>The model.</summary>
    public NetworkModule Model { get; }

    /// <summary>Number of samples n.</summary>
    public int SampleCount { get; }

    /// <summary>Number of outputs O per sample.</summary>
    public int OutputCount { get; }

    /// <summary>Rows of J: n·O.</summary>
    public long OutputDimension => (long)SampleCount * OutputCount;

    /// <summary>Columns of J: the number of trainable scalars P.</summary>
    public long ParameterCount { get; }

    /// <summary>Samples per forward graph (n when the whole graph is kept).</summary>
    public int ChunkSize => _chunk;

    /// <summary>The parameters, in the order of parameter-space vectors.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>F(w) on the inputs, [n, O], detached (a new tensor in the caller's scope).</summary>
    public Tensor Outputs()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_retained is not null) return _retained.Outputs.detach().clone();
        using var scope = torch.NewDisposeScope();
        using var mode = new DiagnosticModeScope(Model);
        using var noGrad = torch.no_grad();
        var parts = Chunks().Select(c => Model.forward(_inputs.narrow(0, c.Start, c.Count))).ToArray();
        return torch.cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Jᵀv for v in output space ([n, O] or [n·O]), one tensor per parameter (in the caller's scope).</summary>
    public IReadOnlyList<Tensor> TransposeApply(Tensor v)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        var seed = OutputSpace(v, nameof(v));
        Tensor[] result;
        if (_retained is not null)
        {
            result = _retained.TransposeApply(seed);
        }
        else
        {
            result = _parameters.Select(p => torch.zeros_like(p, requires_grad: false)).ToArray();
            foreach (var (start, count) in Chunks())
            {
                using var inner = torch.NewDisposeScope();
                using var chunk = GraphChunk.Build(Model, _parameters, _inputs, start, count);
                var part = chunk.TransposeApply(seed.narrow(0, start, count));
                for (int i = 0; i < result.Length; i++) result[i].add_(part[i]);
            }
        }
        foreach (var t in result) t.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>Jᵀv as one flat parameter-space vector [P].</summary>
    public Tensor TransposeApplyFlat(Tensor v)
    {
        using var scope = torch.NewDisposeScope();
        return ParameterVector.Flatten(TransposeApply(v)).MoveToOuterDisposeScope();
    }

    /// <summary>Ju for u given per parameter (shaped like <see cref="Parameters"/>); returns [n, O].</summary>
    public Tensor Apply(IReadOnlyList<Tensor> u)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(u);
        if (u.Count != _parameters.Length)
            throw new ArgumentException($"Expected {_parameters.Length} parameter tensors, got {u.Count}.", nameof(u));
        for (int i = 0; i < u.Count; i++)
            if (!u[i].shape.SequenceEqual(_parameters[i].shape))
                throw new ArgumentException(
                    $"Tangent {i} has shape [{string.Join(", ", u[i].shape)}] but parameter {i} has [{string.Join(", ", _parameters[i].shape)}].", nameof(u));
        using var scope = torch.NewDisposeScope();
        var tangent = u.Select((t, i) => t.to(_parameters[i].dtype, _parameters[i].device)).ToArray();
        if (_retained is not null) return _retained.Apply(tangent).MoveToOuterDisposeScope();
        var parts = new List<Tensor>();
        foreach (var (start, count) in Chunks())
        {
            using var chunk = GraphChunk.Build(Model, _parameters, _inputs, start, count);
            parts.Add(chunk.Apply(tangent));
        }
        return torch.cat(parts.ToArray(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>Ju for a flat parameter-space vector u [P]; returns [n, O].</summary>
    public Tensor ApplyFlat(Tensor u)
    {
        ArgumentNullException.ThrowIfNull(u);
        using var scope = torch.NewDisposeScope();
        return Apply(ParameterVector.Split(u, _parameters)).MoveToOuterDisposeScope();
    }

    private IEnumerable<(long Start, long Count)> Chunks()
    {
        for (long start = 0; start < SampleCount; start += _chunk)
            yield return (start, Math.Min(_chunk, SampleCount - start));
    }

    private Tensor OutputSpace(Tensor v, string name)
    {
        ArgumentNullException.ThrowIfNull(v, name);
        bool flat = v.dim() == 1 && v.shape[0] == OutputDimension;
        bool matrix = v.dim() == 2 && v.shape[0] == SampleCount && v.shape[1] == OutputCount;
        if (!flat && !matrix)
            throw new ArgumentException(
                $"An output-space vector must be [{SampleCount}, {OutputCount}] or [{OutputDimension}], got [{string.Join(", ", v.shape)}].", name);
        return v.reshape(SampleCount, OutputCount).to(_parameters[0].dtype, _parameters[0].device);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _retained?.Dispose();
        _inputs.Dispose();
    }

    /// <summary>The forward graph of a range of samples, with the lazily built graph of Jᵀz for the double-backward trick.</summary>
    private sealed class GraphChunk : IDisposable
    {
        private readonly Tensor[] _parameters;
        private Tensor? _dummy;
        private Tensor[]? _transposeOfDummy;
        private bool[]? _dependsOnDummy;

        private GraphChunk(Tensor[] parameters, Tensor outputs)
        {
            _parameters = parameters;
            Outputs = outputs;
        }

        public Tensor Outputs { get; }

        public int OutputCount => (int)Outputs.shape[1];

        public static GraphChunk Build(NetworkModule model, Tensor[] parameters, Tensor inputs, long start, long count)
        {
            using var scope = torch.NewDisposeScope();
            using var mode = new DiagnosticModeScope(model);
            var f = model.forward(inputs.narrow(0, start, count));
            if (f.dim() != 2 || f.shape[0] != count)
                throw new InvalidOperationException(
                    $"{model.GetType().Name} returned [{string.Join(", ", f.shape)}] for {count} inputs; expected [{count}, O].");
            if (!f.requires_grad)
                throw new InvalidOperationException($"The outputs of {model.GetType().Name} do not depend on any trainable parameter.");
            return new GraphChunk(parameters, f.DetachFromDisposeScope());
        }

        public Tensor[] TransposeApply(Tensor seed)
        {
            using var scope = torch.NewDisposeScope();
            IList<Tensor> grads;
            using (torch.enable_grad())
                grads = torch.autograd.grad(new[] { Outputs }, _parameters, new[] { seed }, retain_graph: true, allow_unused: true);
            var result = new Tensor[_parameters.Length];
            for (int i = 0; i < result.Length; i++)
                result[i] = (grads[i] is null || grads[i].IsInvalid ? torch.zeros_like(_parameters[i], requires_grad: false) : grads[i].detach())
                    .MoveToOuterDisposeScope();
            return result;
        }

        public Tensor Apply(Tensor[] tangent)
        {
            EnsureDoubleBackwardGraph();
            using var scope = torch.NewDisposeScope();
            var outputs = new List<Tensor>();
            var seeds = new List<Tensor>();
            for (int i = 0; i < tangent.Length; i++)
            {
                if (!_dependsOnDummy![i]) continue;
                outputs.Add(_transposeOfDummy![i]);
                seeds.Add(tangent[i]);
            }
            if (outputs.Count == 0) return torch.zeros_like(Outputs, requires_grad: false).MoveToOuterDisposeScope();
            IList<Tensor> grads;
            using (torch.enable_grad())
                grads = torch.autograd.grad(outputs, new[] { _dummy! }, seeds, retain_graph: true, allow_unused: true);
            var ju = grads[0] is null || grads[0].IsInvalid ? torch.zeros_like(Outputs, requires_grad: false) : grads[0].detach();
            return ju.MoveToOuterDisposeScope();
        }

        // g(z) = Jᵀz with create_graph: linear in z, so d⟨g(z), u⟩/dz = Ju. Built once per chunk, reused per product.
        private void EnsureDoubleBackwardGraph()
        {
            if (_transposeOfDummy is not null) return;
            using var scope = torch.NewDisposeScope();
            var dummy = torch.zeros_like(Outputs, requires_grad: false).requires_grad_(true);
            IList<Tensor> g;
            using (torch.enable_grad())
                g = torch.autograd.grad(new[] { Outputs }, _parameters, new[] { dummy }, retain_graph: true, create_graph: true, allow_unused: true);
            _dependsOnDummy = new bool[_parameters.Length];
            _transposeOfDummy = new Tensor[_parameters.Length];
            for (int i = 0; i < _parameters.Length; i++)
            {
                bool valid = g[i] is not null && !g[i].IsInvalid && g[i].requires_grad;
                _dependsOnDummy[i] = valid;
                _transposeOfDummy[i] = (valid ? g[i] : torch.zeros(0)).DetachFromDisposeScope();
            }
            _dummy = dummy.DetachFromDisposeScope();
        }

        public void Dispose()
        {
            if (_transposeOfDummy is not null) foreach (var t in _transposeOfDummy) t.Dispose();
            _dummy?.Dispose();
            Outputs.Dispose();
        }
    }
}

/// <summary>One-shot Jacobian products (build the forward graph, take one product, release it).</summary>
public static class JacobianProducts
{
    /// <summary>Jᵀv for v [n, O] (or [n·O]) at the current weights: one tensor per trainable parameter.</summary>
    public static IReadOnlyList<Tensor> TransposeProduct(NetworkModule model, Tensor inputs, Tensor v)
    {
        using var jacobian = new JacobianOperator(model, inputs);
        return jacobian.TransposeApply(v);
    }

    /// <summary>Jᵀv as a flat parameter-space vector [P].</summary>
    public static Tensor TransposeProductFlat(NetworkModule model, Tensor inputs, Tensor v)
    {
        using var jacobian = new JacobianOperator(model, inputs);
        return jacobian.TransposeApplyFlat(v);
    }

    /// <summary>Ju for a tangent u given per parameter; returns [n, O].</summary>
    public static Tensor Product(NetworkModule model, Tensor inputs, IReadOnlyList<Tensor> u)
    {
        using var jacobian = new JacobianOperator(model, inputs);
        return jacobian.Apply(u);
    }

    /// <summary>Ju for a flat tangent u [P]; returns [n, O].</summary>
    public static Tensor ProductFlat(NetworkModule model, Tensor inputs, Tensor u)
    {
        using var jacobian = new JacobianOperator(model, inputs);
        return jacobian.ApplyFlat(u);
    }
}
