using Catapults.ML.Runtime;
using Catapults.ML.Models;

namespace Catapults.ML.Spectra;

/// <summary>
/// Base of the operators a model defines on a sample set (the Jacobian, the loss Hessian). It owns the samples, the
/// loop over chunks of them and each chunk's weight count/n, and the graph of a chunk: with one chunk and
/// <c>retainGraph</c> the graph is built once and kept for every product; otherwise each product rebuilds the
/// chunks' graphs one at a time, which bounds memory to one chunk. A subclass builds a chunk's graph
/// (<see cref="BuildGraph"/>) and writes its per-chunk product, summed (<see cref="SumOverChunks"/>, parameter-space
/// results) or stacked (<see cref="ConcatenateOverChunks"/>, sample-space results).
/// </summary>
/// <remarks>
/// The model is evaluated in evaluation mode with gradients recorded, and products never touch the parameters'
/// <c>.grad</c> fields, so an operator used inside a training observer does not change training. Weights must not
/// change while a retained graph is alive.
/// </remarks>
/// <typeparam name="TGraph">What one chunk's product needs: its forward (and first-derivative) graph.</typeparam>
public abstract class ModelDataOperator<TGraph> : LinearOperator, IDisposable where TGraph : class, IDisposable
{
    private readonly Tensor[] _parameters;
    private readonly bool _retain;
    private TGraph? _retained;
    private bool _disposed;

    /// <summary>
    /// An operator of <paramref name="model"/> on <paramref name="features"/> [n, ...] (and <paramref name="targets"/>
    /// [n, ...] when it needs them), which it takes ownership of. <paramref name="chunkSize"/> null means one chunk.
    /// </summary>
    protected ModelDataOperator(NetworkModule model, Tensor[] parameters, Tensor features, Tensor? targets, int? chunkSize,
        bool retainGraph, long outputSize, long inputSize)
        : base(outputSize, inputSize, parameters[0].device, parameters[0].dtype)
    {
        Model = model;
        _parameters = parameters;
        Features = features;
        Targets = targets;
        SampleCount = (int)features.shape[0];
        ChunkSize = Math.Min(chunkSize ?? SampleCount, SampleCount);
        _retain = retainGraph && ChunkSize == SampleCount;
    }

    /// <summary>The model.</summary>
    public NetworkModule Model { get; }

    /// <summary>Number of samples n.</summary>
    public int SampleCount { get; }

    /// <summary>Samples per graph (n when the whole graph is built at once).</summary>
    public int ChunkSize { get; }

    /// <summary>The trainable parameters, in the order of parameter-space vectors.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The samples [n, ...] on the operator's device.</summary>
    protected Tensor Features { get; }

    /// <summary>The targets, for operators of a loss; null otherwise.</summary>
    protected Tensor? Targets { get; }

    /// <summary>The trainable parameters as an array, for autograd calls.</summary>
    protected Tensor[] ParameterTensors => _parameters;

    /// <summary>Throws when the operator was disposed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>The chunks in order; <see cref="SampleChunk.Weight"/> is count/n, the chunk's share of a 1/n average.</summary>
    protected IEnumerable<SampleChunk> Chunks()
    {
        for (long start = 0; start < SampleCount; start += ChunkSize)
        {
            long count = Math.Min(ChunkSize, SampleCount - start);
            yield return new SampleChunk(start, count, (double)count / SampleCount, _retain);
        }
    }

    /// <summary>Builds the graph of one chunk (owned by the caller, outside any dispose scope).</summary>
    protected abstract TGraph BuildGraph(SampleChunk chunk);

    /// <summary>Builds the first chunk's graph now, so that a model the operator cannot differentiate fails at construction.</summary>
    protected void Prepare()
    {
        using var mode = new EvaluationModeScope(Model, recordGradients: true);
        if (_retain) _retained ??= BuildGraph(Chunks().First());
        else BuildGraph(new SampleChunk(0, 1, 1.0 / SampleCount, false)).Dispose();
    }

    /// <summary>Σ over chunks of <paramref name="product"/>, for results in a space every chunk contributes to.</summary>
    protected Tensor SumOverChunks(Func<TGraph, SampleChunk, Tensor> product)
    {
        ThrowIfDisposed();
        using var scope = torch.NewDisposeScope();
        using var mode = new EvaluationModeScope(Model, recordGradients: true);
        Tensor? total = null;
        foreach (var chunk in Chunks())
        {
            using var inner = torch.NewDisposeScope();
            var part = WithGraph(chunk, product);
            total = total is null ? part.MoveToOuterDisposeScope() : KeptScalars.AddInPlace(total, part);
        }
        return total!.MoveToOuterDisposeScope();
    }

    /// <summary>The chunks' <paramref name="product"/>s stacked by rows, for results indexed by sample.</summary>
    protected Tensor ConcatenateOverChunks(Func<TGraph, SampleChunk, Tensor> product)
    {
        ThrowIfDisposed();
        using var scope = torch.NewDisposeScope();
        using var mode = new EvaluationModeScope(Model, recordGradients: true);
        var parts = Chunks().Select(chunk => WithGraph(chunk, product)).ToArray();
        return (parts.Length == 1 ? parts[0] : torch.cat(parts, 0)).MoveToOuterDisposeScope();
    }

    private Tensor WithGraph(SampleChunk chunk, Func<TGraph, SampleChunk, Tensor> product)
    {
        if (_retain) return product(_retained ??= BuildGraph(chunk), chunk);
        using var graph = BuildGraph(chunk);
        return product(graph, chunk);
    }

    /// <summary>Releases the retained graph and the samples.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _retained?.Dispose();
        Features.Dispose();
        Targets?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A range of samples and its weight in a 1/n average.</summary>
    /// <param name="Start">First sample.</param>
    /// <param name="Count">Number of samples.</param>
    /// <param name="Weight">count/n.</param>
    /// <param name="Retained">True when the chunk's graph is kept for later products (so backward passes must keep it).</param>
    protected readonly record struct SampleChunk(long Start, long Count, double Weight, bool Retained);
}
