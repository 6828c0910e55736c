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
/// The forward graph is built once and kept, so repeated products on the same inputs cost backward passes only;
/// dispose the operator to release it. The model is evaluated in evaluation mode, and the products never touch the
/// parameters' <c>.grad</c> fields, so using it inside a training observer does not change training. Weights must
/// not change while the operator is alive (it would keep describing the old ones).
/// </remarks>
public sealed class JacobianOperator : IDisposable
{
    private readonly Tensor[] _parameters;
    private readonly Tensor _outputs;
    private Tensor? _dummy;
    private Tensor[]? _transposeOfDummy;
    private bool[]? _dependsOnDummy;
    private bool _disposed;

    /// <summary>Builds the forward graph of <paramref name="model"/> on <paramref name="inputs"/> ([n, ...]).</summary>
    public JacobianOperator(NetworkModule model, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        TorchRuntime.EnsureLoaded();
        Model = model;
        _parameters = ParameterVector.ParametersOf(model).Cast<Tensor>().ToArray();
        if (inputs.dim() < 2 || inputs.shape[0] < 1)
            throw new ArgumentException($"Inputs must be a batch [n, ...] with n ≥ 1, got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        using var scope = torch.NewDisposeScope();
        using (new DiagnosticModeScope(model))
        {
            var x = inputs.to(_parameters[0].device);
            var f = model.forward(x);
            if (f.dim() != 2 || f.shape[0] != inputs.shape[0])
                throw new InvalidOperationException(
                    $"{model.GetType().Name} returned [{string.Join(", ", f.shape)}] for {inputs.shape[0]} inputs; expected [n, O].");
            if (!f.requires_grad)
                throw new InvalidOperationException($"The outputs of {model.GetType().Name} do not depend on any trainable parameter.");
            _outputs = f.DetachFromDisposeScope();
        }
        SampleCount = (int)_outputs.shape[0];
        OutputCount = (int)_outputs.shape[1];
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

    /// <summary>The parameters, in the order of parameter-space vectors.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>F(w) on the inputs, [n, O], detached (a new tensor in the caller's scope).</summary>
    public Tensor Outputs()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _outputs.detach().clone();
    }

    /// <summary>Jᵀv for v in output space ([n, O] or [n·O]), one tensor per parameter (in the caller's scope).</summary>
    public IReadOnlyList<Tensor> TransposeApply(Tensor v)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        var seed = OutputSpace(v, nameof(v));
        IList<Tensor> grads;
        using (torch.enable_grad())
            grads = torch.autograd.grad(new[] { _outputs }, _parameters, new[] { seed }, retain_graph: true, allow_unused: true);
        var result = new Tensor[_parameters.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = (grads[i] is null || grads[i].IsInvalid ? torch.zeros_like(_parameters[i]) : grads[i]).detach().MoveToOuterDisposeScope();
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
        EnsureDoubleBackwardGraph();
        using var scope = torch.NewDisposeScope();
        var outputs = new List<Tensor>();
        var seeds = new List<Tensor>();
        for (int i = 0; i < u.Count; i++)
        {
            if (!_dependsOnDummy![i]) continue;
            outputs.Add(_transposeOfDummy![i]);
            seeds.Add(u[i].to(_parameters[i].dtype, _parameters[i].device));
        }
        if (outputs.Count == 0) return torch.zeros_like(_outputs, requires_grad: false).MoveToOuterDisposeScope();
        IList<Tensor> grads;
        using (torch.enable_grad())
            grads = torch.autograd.grad(outputs, new[] { _dummy! }, seeds, retain_graph: true, allow_unused: true);
        var ju = grads[0] is null || grads[0].IsInvalid ? torch.zeros_like(_outputs, requires_grad: false) : grads[0].detach();
        return ju.MoveToOuterDisposeScope();
    }

    /// <summary>Ju for a flat parameter-space vector u [P]; returns [n, O].</summary>
    public Tensor ApplyFlat(Tensor u)
    {
        ArgumentNullException.ThrowIfNull(u);
        using var scope = torch.NewDisposeScope();
        return Apply(ParameterVector.Split(u, _parameters)).MoveToOuterDisposeScope();
    }

    private Tensor OutputSpace(Tensor v, string name)
    {
        ArgumentNullException.ThrowIfNull(v, name);
        bool flat = v.dim() == 1 && v.shape[0] == OutputDimension;
        bool matrix = v.dim() == 2 && v.shape[0] == SampleCount && v.shape[1] == OutputCount;
        if (!flat && !matrix)
            throw new ArgumentException(
                $"An output-space vector must be [{SampleCount}, {OutputCount}] or [{OutputDimension}], got [{string.Join(", ", v.shape)}].", name);
        return v.reshape(SampleCount, OutputCount).to(_outputs.dtype, _outputs.device);
    }

    // g(z) = Jᵀz with create_graph: linear in z, so d⟨g(z), u⟩/dz = Ju. Built once and reused for every product.
    private void EnsureDoubleBackwardGraph()
    {
        if (_transposeOfDummy is not null) return;
        using var scope = torch.NewDisposeScope();
        var dummy = torch.zeros_like(_outputs, requires_grad: false).requires_grad_(true);
        IList<Tensor> g;
        using (torch.enable_grad())
            g = torch.autograd.grad(new[] { _outputs }, _parameters, new[] { dummy }, retain_graph: true, create_graph: true, allow_unused: true);
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

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_transposeOfDummy is not null) foreach (var t in _transposeOfDummy) t.Dispose();
        _dummy?.Dispose();
        _outputs.Dispose();
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
