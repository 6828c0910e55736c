using Catapults.ML.Runtime;
using TorchSharp.Modules;

namespace Catapults.ML.Models;

/// <summary>
/// Base of every network in the engine. Inputs arrive as a batch of flat feature vectors [n, d] (or, for image
/// models, [n, C, H, W]); outputs are [n, O]. Diagnostics (NTK, AGOP) rely on each output row depending on its own
/// input row only.
/// </summary>
public abstract class NetworkModule : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates a named module.</summary>
    protected NetworkModule(string name) : base(name) { }

    /// <summary>Shape of one input sample, e.g. [d] or [3, 32, 32].</summary>
    public abstract long[] InputShape { get; }

    /// <summary>Number of features of one flattened input sample (the product of <see cref="InputShape"/>).</summary>
    public long InputDimension => InputShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Number of outputs O.</summary>
    public abstract int OutputCount { get; }

    /// <summary>Human-readable description of the architecture, for reports and manifests.</summary>
    public abstract string Describe();

    /// <summary>Whether <see cref="IDisposable.Dispose"/> has freed the network's weights.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Trainable parameters with their names, in a stable order.</summary>
    /// <exception cref="ObjectDisposedException">The network has been disposed.</exception>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters()
    {
        ThrowIfDisposed();
        return named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the network has been disposed.</summary>
    /// <remarks>A disposed module lists no parameters at all, so a weights file written from it would silently hold none.</remarks>
    protected void ThrowIfDisposed()
    {
        if (IsDisposed)
            throw new ObjectDisposedException(null, $"This {GetType().Name} has been disposed, and its weights with it; save or use a network before disposing it.");
    }

    /// <summary>
    /// The parameters a weights file stores (<see cref="Serialization.ModelWeights"/>): by default the trainable ones.
    /// A network whose function also depends on frozen parameters (e.g. <see cref="CenteredNetwork"/>'s initial copy)
    /// returns those too, or a loaded model would compute another function.
    /// </summary>
    public virtual IReadOnlyList<(string Name, Parameter Parameter)> StoredParameters() => TrainableParameters();

    /// <summary>Total number of trainable scalars.</summary>
    public long TrainableParameterCount() => TrainableParameters().Sum(p => p.Parameter.numel());

    /// <summary>
    /// Whether every trainable parameter is finite. Measurements call it only after a failure or a non-finite result,
    /// to tell a diverged run (whose divergence the trainer reports) from a measurement that failed on its own.
    /// </summary>
    public bool HasFiniteParameters()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return TrainableParameters().All(p => torch.isfinite(p.Parameter).all().ReadBoolean());
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }

    /// <summary>
    /// Checks and reshapes an input batch: accepts [n, d] or [n, ...InputShape] and returns a tensor of shape
    /// [n, ...InputShape] (a view where possible). A model with flat inputs (InputShape [d]) also accepts samples of
    /// any shape with d features, e.g. images [n, 3, 32, 32], and flattens them in their stored order. Throws with the
    /// expected shape on a mismatch.
    /// </summary>
    protected Tensor ReshapeInput(Tensor x)
    {
        // Every architecture's forward starts here, so a disposed network says so instead of libtorch's "empty handle".
        ThrowIfDisposed();
        var shape = InputShape;
        if (x.dim() == 2 && x.shape[1] == InputDimension)
            return shape.Length == 1 ? x.alias() : x.reshape(new[] { x.shape[0] }.Concat(shape).ToArray());
        if (x.dim() == shape.Length + 1 && x.shape.Skip(1).SequenceEqual(shape))
            return x.alias();
        if (shape.Length == 1 && x.dim() > 2 && x.shape.Skip(1).Aggregate(1L, (a, b) => a * b) == InputDimension)
            return x.flatten(1);
        throw new ArgumentException(
            $"{GetType().Name} expects input of shape [n, {InputDimension}] or [n, {string.Join(", ", shape)}], " +
            $"got [{string.Join(", ", x.shape)}].", nameof(x));
    }
}
