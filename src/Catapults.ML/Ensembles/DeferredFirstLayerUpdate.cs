namespace Catapults.ML.Ensembles;

/// <summary>
/// The first layer's plain-SGD updates of the last few steps of a <see cref="FullyConnectedEnsemble"/>, kept as their
/// factors instead of written into the weights. With the layer's inputs X = [x₁; …; x_k] and rate-scaled output
/// gradients Δ = [ηδ₁; …; ηδ_k] stacked by rows, the true weights are W − s·ΔᵀX for the stored W, so a forward pass
/// corrects its pre-activations by −s²·(x·Xᵀ)·Δ, and one product per member writes all k updates at once. When the
/// inputs of the coming steps are known (<see cref="BeginBlock"/>), their product with the stored weights is taken in
/// one pass over the layer as well, so within a block the layer is read once and written once.
/// </summary>
/// <remarks>
/// A wide first layer (d × width floats per member) leaves the core's cache once a few members are stacked, and then a
/// plain step reads it for the forward product and reads and writes it again for the update: the update's traffic, not
/// its arithmetic, set the ensemble's step time. Deferred, the update touches the layer once per
/// <see cref="Capacity"/> rows, and a step's correction costs two products with the held rows, about
/// Capacity·(d + width) multiply–adds per sample against the forward's d·width. Updates are linear in the gradients
/// only without momentum and weight decay, so the ensemble defers only then. Tensors are [A, rows, features] over
/// the A active members; the buffers belong to this object.
/// </remarks>
internal sealed class DeferredFirstLayerUpdate : IDisposable
{
    private Tensor? _inputs;
    private Tensor? _deltas;
    // s·X_block·Wᵀ at the stored weights, valid while those stay the weights of the block's start (nothing written since).
    private Tensor? _blockProduct;

    /// <summary>Creates an empty store for up to <paramref name="capacity"/> rows (samples) of updates.</summary>
    public DeferredFirstLayerUpdate(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
    }

    /// <summary>Rows (samples over the held steps) the store holds before <see cref="ApplyTo"/> must write them.</summary>
    public int Capacity { get; }

    /// <summary>Rows held now; 0 when the stored weights are the true weights.</summary>
    public int Rows { get; private set; }

    /// <summary>Whether another batch of <paramref name="rows"/> samples fits beside the rows held.</summary>
    public bool Fits(long rows) => Rows + rows <= Capacity;

    /// <summary>Holds one step's update: the layer's inputs [A, b, in] and its rate-scaled output gradient [A, b, out].</summary>
    public void Append(Tensor input, Tensor delta)
    {
        long b = input.shape[1];
        if (!Fits(b)) throw new InvalidOperationException($"The deferred update holds {Rows} of {Capacity} rows; apply it before adding {b}.");
        if (_inputs is null)
        {
            _inputs = torch.zeros(input.shape[0], Capacity, input.shape[2], dtype: input.dtype, device: input.device).DetachFromDisposeScope();
            _deltas = torch.zeros(delta.shape[0], Capacity, delta.shape[2], dtype: delta.dtype, device: delta.device).DetachFromDisposeScope();
        }
        using (var slot = _inputs.narrow(1, Rows, b)) slot.copy_(input);
        using (var slot = _deltas!.narrow(1, Rows, b)) slot.copy_(delta);
        Rows += (int)b;
    }

    /// <summary>
    /// The pre-activations at the true weights: <paramref name="preActivation"/> (s·x·Wᵀ + b at the stored weights) minus
    /// s²·(x·Xᵀ)·Δ, for the layer's input <paramref name="input"/> [A, b, in] and scale <paramref name="scale"/>. Returns the
    /// argument itself when nothing is held.
    /// </summary>
    public Tensor Correct(Tensor input, Tensor preActivation, float scale)
    {
        if (Rows == 0) return preActivation;
        using var inputs = _inputs!.narrow(1, 0, Rows);
        using var deltas = _deltas!.narrow(1, 0, Rows);
        using var inputsT = inputs.transpose(1, 2);
        using var gram = input.bmm(inputsT);
        // TorchSharp 0.107's instance baddbmm reads the instance as batch1 and the second argument as the added tensor:
        // this is preActivation − s²·(gram·Δ).
        return gram.baddbmm(deltas, preActivation, beta: 1, alpha: -scale * scale);
    }

    /// <summary>
    /// Writes the held updates into each member's weights <paramref name="memberWeights"/>[m] [out, in] and takes s·X·Wᵀ at
    /// the written weights for the inputs <paramref name="blockInputs"/> [A, k·b, in] of the next k steps, member by member
    /// so that each member's weights are still in cache for the product.
    /// </summary>
    public void BeginBlock(Tensor blockInputs, IReadOnlyList<Tensor> memberWeights, float scale) => Write(memberWeights, scale, blockInputs);

    /// <summary>
    /// The block's product s·x·Wᵀ for the <paramref name="rows"/> samples from row <paramref name="row"/> of the block, a
    /// view, or null when the block's product no longer holds: the weights were written since it began, or the rows held
    /// are not exactly the block's rows before <paramref name="row"/>.
    /// </summary>
    public Tensor? BlockProduct(int row, long rows) =>
        _blockProduct is not null && Rows == row && row + rows <= _blockProduct.shape[1] ? _blockProduct.narrow(1, row, rows) : null;

    /// <summary>Forgets the block's product (the members are about to change, or the block has ended).</summary>
    public void DropBlock()
    {
        _blockProduct?.Dispose();
        _blockProduct = null;
    }

    /// <summary>
    /// Writes the held updates into the weights, W_m ← W_m − s·Δ_mᵀX_m for each member's weight view
    /// <paramref name="memberWeights"/>[m] (in place), and empties the store.
    /// </summary>
    public void ApplyTo(IReadOnlyList<Tensor> memberWeights, float scale)
    {
        if (Rows > 0) Write(memberWeights, scale, null);
    }

    // The held updates written member by member, each member's block product (if any) taken right after its write.
    private void Write(IReadOnlyList<Tensor> memberWeights, float scale, Tensor? blockInputs)
    {
        DropBlock();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor[]? heldInputs = null, heldDeltas = null, inputs = null, products = null;
        if (Rows > 0)
        {
            heldInputs = _inputs!.narrow(1, 0, Rows).unbind(0);
            heldDeltas = _deltas!.narrow(1, 0, Rows).transpose(1, 2).unbind(0);
        }
        Tensor? product = null;
        if (blockInputs is not null)
        {
            var w = memberWeights[0];
            product = torch.empty(blockInputs.shape[0], blockInputs.shape[1], w.shape[0], dtype: w.dtype, device: w.device);
            inputs = blockInputs.unbind(0);
            products = product.unbind(0);
        }
        for (int m = 0; m < memberWeights.Count; m++)
        {
            if (heldInputs is not null) memberWeights[m].addmm_(heldDeltas![m], heldInputs[m], beta: 1, alpha: -scale);
            if (products is not null) products[m].addmm_(inputs![m], memberWeights[m].t(), beta: 0, alpha: scale);
        }
        Rows = 0;
        _blockProduct = product?.DetachFromDisposeScope();
    }

    /// <summary>Frees the buffers (the member count is about to change); nothing may be held.</summary>
    public void Release()
    {
        if (Rows != 0) throw new InvalidOperationException("Apply the deferred update before releasing its buffers.");
        DropBlock();
        _inputs?.Dispose();
        _deltas?.Dispose();
        _inputs = _deltas = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Rows = 0;
        Release();
    }
}
