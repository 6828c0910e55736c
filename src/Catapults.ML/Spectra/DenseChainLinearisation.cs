using Catapults.ML.Models;
using Catapults.ML.Runtime;

namespace Catapults.ML.Spectra;

/// <summary>
/// The Jacobian of an <see cref="IDenseLayerChain"/> at its current weights on a set of inputs, kept layer by layer:
/// for each layer l its scaled inputs Ã_l = s_l A_l [n, fan_in] and, below the readout, Δ_l = ∂F/∂z_l [n·O, fan_out],
/// the derivatives of the stacked outputs (sample-major, including the output multiplier m) with respect to the
/// layer's pre-activations z_l = Ã_l W_lᵀ + b_l (the readout's is m·I, not stored). The layer-wise NTK is built from
/// it, and so are Jacobian products without autograd.
/// </summary>
/// <remarks>
/// J is the sum of the layers' parts, J_l u = Δ_l (Ã_l dW_lᵀ + db_l) row by row, because a parameter of layer l moves
/// the outputs only through z_l. So Ju is, per layer, rowsum(Ã_l ⊙ (Δ_l dW_l)) + Δ_l db_l, and Jᵀv is
/// dW_l = Δ_lᵀ (v ⊙ Ã_l), db_l = Δ_lᵀ v (one output; with several, v first weights and sums each sample's O rows of
/// Δ_l). Each is one matrix product of n·fan_in·fan_out per layer, the floor of a Jacobian product: half the work of a
/// double-backward product, whose extra passes over the layers' activations it does not need.
/// </remarks>
internal sealed class DenseChainLinearisation : IDisposable
{
    private readonly IReadOnlyList<ScaledLinear> _layers;
    private readonly Tensor[] _scaledInputs;
    private readonly Tensor[] _deltas;
    private readonly ProductLayout? _products;

    private DenseChainLinearisation(IReadOnlyList<ScaledLinear> layers, Tensor[] scaledInputs, Tensor[] deltas, ProductLayout? products,
        long sampleCount, int outputCount, double multiplier)
    {
        _layers = layers;
        _scaledInputs = scaledInputs;
        _deltas = deltas;
        _products = products;
        SampleCount = sampleCount;
        OutputCount = outputCount;
        Multiplier = multiplier;
    }

    /// <summary>Number of samples n.</summary>
    public long SampleCount { get; }

    /// <summary>Outputs per sample O.</summary>
    public int OutputCount { get; }

    /// <summary>The output multiplier m.</summary>
    public double Multiplier { get; }

    /// <summary>The layers, input first.</summary>
    public IReadOnlyList<ScaledLinear> Layers => _layers;

    /// <summary>Ã_l = s_l A_l [n, fan_in] for every layer (owned by the linearisation).</summary>
    public IReadOnlyList<Tensor> ScaledInputs => _scaledInputs;

    /// <summary>Δ_l [n·O, fan_out] for every layer below the readout (owned by the linearisation).</summary>
    public IReadOnlyList<Tensor> Deltas => _deltas;

    /// <summary>
    /// For each layer, the positions of its weight and bias in <paramref name="parameters"/> (bias −1 when it has none),
    /// or null when the list is not exactly the layers' weights and biases: then the Jacobian with respect to those
    /// parameters is not this linearisation's (a frozen parameter, or one outside the chain).
    /// </summary>
    public static (int Weight, int Bias)[]? Slots(IReadOnlyList<ScaledLinear> layers, IReadOnlyList<Tensor> parameters)
    {
        var position = new Dictionary<IntPtr, int>();
        for (int i = 0; i < parameters.Count; i++) position[parameters[i].Handle] = i;
        var slots = new (int, int)[layers.Count];
        int found = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            if (!position.TryGetValue(layers[l].Weight.Handle, out int w)) return null;
            int b = -1;
            if (layers[l].Bias is { } bias && !position.TryGetValue(bias.Handle, out b)) return null;
            slots[l] = (w, b);
            found += b < 0 ? 1 : 2;
        }
        return found == parameters.Count && position.Count == parameters.Count ? slots : null;
    }

    /// <summary>
    /// The linearisation of <paramref name="network"/> on <paramref name="inputs"/> [n, d] (any float dtype; computed in
    /// the weights' dtype and device), outside any dispose scope; the caller disposes it. With
    /// <paramref name="forProducts"/> a single-output chain also keeps the layout its Jacobian products run fastest in
    /// (<see cref="ProductLayout"/>); the layer-wise kernel, which reads Δ_l by rows, does not ask for it.
    /// </summary>
    public static DenseChainLinearisation Create(IDenseLayerChain network, Tensor inputs, bool forProducts = false)
    {
        TorchRuntime.EnsureLoaded();
        CheckInputs(network, inputs);
        var layers = network.Layers;
        int depth = layers.Count;
        long d = layers[0].InFeatures;
        long n = inputs.shape[0];
        int o = layers[depth - 1].OutFeatures;
        double m = network.OutputMultiplier;
        var activation = network.Activation;

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var weight0 = layers[0].Weight;
        var x = inputs.reshape(n, d).to(weight0.dtype, weight0.device);
        // The forward pass up to the readout's input (the readout's own output is not needed).
        var scaledInputs = new Tensor[depth];
        var derivatives = new Tensor[depth - 1];
        DenseChainForward.Run(layers, activation, x, scaledInputs, derivatives, secondDerivatives: null, withReadout: false);

        // One backward sweep: Δ_{l-1} = (Δ_l · s_l W_l) ⊙ σ'(z_{l-1}), one row per (sample, output). With one output the
        // readout's Δ is σ' scaled in place.
        var deltas = new Tensor[depth - 1];
        for (int l = depth - 1; l >= 1; l--)
        {
            var layer = layers[l];
            var derivative = derivatives[l - 1];
            long width = derivative.shape[1];
            Tensor next;
            if (l < depth - 1)
                next = KeptScalars.TimesInPlace(torch.mm(deltas[l], layer.Weight), layer.WeightScale).view(n, o, width).mul_(derivative.unsqueeze(1));
            else if (o == 1)
                next = derivative.mul_(KeptScalars.Times(layer.Weight, m * layer.WeightScale));
            else
                next = KeptScalars.Times(layer.Weight, m * layer.WeightScale).unsqueeze(0) * derivative.unsqueeze(1);
            deltas[l - 1] = next.reshape(n * o, width);
        }
        ProductLayout? products = null;
        if (forProducts && o == 1)
        {
            products = ProductLayout.Create(layers, scaledInputs, deltas);
            // Δ_l is kept once, transposed; Deltas reads it through a view.
            for (int l = 0; l < deltas.Length; l++) deltas[l] = products.TransposedDeltas[l].t();
        }
        foreach (var t in scaledInputs) t.DetachFromDisposeScope();
        foreach (var t in deltas) t.DetachFromDisposeScope();
        return new DenseChainLinearisation(layers, scaledInputs, deltas, products, n, o, m);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="inputs"/> holds n ≥ 1 rows of the first layer's
    /// width: the reshape to [n, d] would otherwise fail inside libtorch with a multi-line message.
    /// </summary>
    public static void CheckInputs(IDenseLayerChain network, Tensor inputs)
    {
        long d = network.Layers[0].InFeatures;
        if (inputs.dim() < 2 || inputs.shape[0] < 1 || inputs.numel() != inputs.shape[0] * d)
            throw new ArgumentException($"The network expects inputs [n, {d}], got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
    }

    /// <summary>F(w) [n, O] from the readout's inputs: m (Ã_L W_Lᵀ + b_L), a new tensor in the caller's scope.</summary>
    public Tensor Outputs()
    {
        using var noGrad = torch.no_grad();
        var readout = _layers[^1];
        var z = torch.mm(_scaledInputs[^1], readout.Weight.t());
        if (readout.Bias is { } bias) KeptScalars.AddInPlace(z, bias);
        return KeptScalars.TimesInPlace(z, Multiplier);
    }

    /// <summary>
    /// Ju [n·O] (sample-major) for a tangent given per parameter, <paramref name="tangent"/>[slots[l].Weight] shaped
    /// like W_l and <paramref name="tangent"/>[slots[l].Bias] like b_l, in the working dtype and device. A
    /// single-output chain created for products takes it from its <see cref="ProductLayout"/>.
    /// </summary>
    public Tensor Apply(IReadOnlyList<Tensor> tangent, (int Weight, int Bias)[] slots)
    {
        if (_products is not null) return _products.Apply(tangent, slots, Multiplier);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long n = SampleCount;
        int o = OutputCount, depth = _layers.Count;
        var readout = slots[depth - 1];
        // The readout: m (Ã dWᵀ + db), [n, O] is already sample-major.
        var ju = torch.mm(_scaledInputs[depth - 1], tangent[readout.Weight].t());
        if (readout.Bias >= 0) KeptScalars.AddInPlace(ju, tangent[readout.Bias]);
        KeptScalars.TimesInPlace(ju, Multiplier);
        ju = ju.reshape(n * o);
        for (int l = 0; l + 1 < depth; l++)
        {
            var (w, b) = slots[l];
            var a = _scaledInputs[l];
            var delta = _deltas[l];
            // Δ_l (Ã dWᵀ + db) per sample: [n, O, width] · [n, width, 1].
            var z = torch.mm(a, tangent[w].t());
            if (b >= 0) KeptScalars.AddInPlace(z, tangent[b]);
            long width = z.shape[1];
            KeptScalars.AddInPlace(ju, torch.bmm(delta.view(n, o, width), z.view(n, width, 1)).reshape(n * o));
        }
        return ju.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Jᵀv for output-space <paramref name="v"/> [n·O] (sample-major): one tensor per parameter slot, in the order of
    /// the parameter list the slots index (length <paramref name="parameterCount"/>). A single-output chain created for
    /// products takes it from its <see cref="ProductLayout"/>.
    /// </summary>
    public Tensor[] TransposeApply(Tensor v, (int Weight, int Bias)[] slots, int parameterCount)
    {
        if (_products is not null) return _products.TransposeApply(v, slots, parameterCount, Multiplier);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long n = SampleCount;
        int o = OutputCount, depth = _layers.Count;
        var result = new Tensor[parameterCount];
        var rows = v.view(n, o);
        var readout = slots[depth - 1];
        // The readout: m Vᵀ Ã and m Σ_i V_i.
        result[readout.Weight] = KeptScalars.TimesInPlace(torch.mm(rows.t(), _scaledInputs[depth - 1]), Multiplier);
        if (readout.Bias >= 0) result[readout.Bias] = KeptScalars.TimesInPlace(rows.sum(0L), Multiplier);
        for (int l = 0; l + 1 < depth; l++)
        {
            var (w, b) = slots[l];
            var a = _scaledInputs[l];
            var delta = _deltas[l];
            long width = delta.shape[1];
            var weighted = torch.bmm(rows.view(n, 1, o), delta.view(n, o, width)).view(n, width);
            result[w] = torch.mm(weighted.t(), a);
            if (b >= 0) result[b] = weighted.sum(0L);
        }
        foreach (var t in result) t.MoveToOuterDisposeScope();
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _scaledInputs) t.Dispose();
        foreach (var t in _deltas) t.Dispose();
        _products?.Dispose();
    }

    /// <summary>
    /// A single-output chain's linearisation laid out for Jacobian products: per layer, the scaled inputs with a
    /// column of ones for the bias, Ã⁺_l = [Ã_l | 1] [n, fan_in + 1] (no column without a bias), and below the readout
    /// its transpose and Δ_lᵀ [fan_out, n], all contiguous. Each layer's Ju and Jᵀv is then one matrix product that
    /// takes the weight and the bias together, J_l u = colsum(Ã⁺_lᵀ ⊙ (T_l Δ_lᵀ)) with T_l = [dW_lᵀ; db_lᵀ], and
    /// [dW_l | db_l] = Δ_lᵀ (v ⊙ Ã⁺_l), in place of a product, an elementwise pass and a matrix-vector pass over Δ_l
    /// for the bias.
    /// </summary>
    /// <remarks>
    /// At n = 2000, d = 100, width 1024 (one MKL thread, Intel Xeon) J(Jᵀv) took 15–17 ms this way against 20–25 ms in
    /// Δ_l's row layout with the bias apart; the extra memory is a transposed copy of the inputs of the layers below the
    /// readout.
    /// </remarks>
    private sealed class ProductLayout : IDisposable
    {
        // One per layer, input first; its length is the depth.
        private readonly Tensor[] _augmented;
        private readonly Tensor[] _augmentedTransposed;

        private ProductLayout(Tensor[] augmented, Tensor[] augmentedTransposed, Tensor[] transposedDeltas)
        {
            _augmented = augmented;
            _augmentedTransposed = augmentedTransposed;
            TransposedDeltas = transposedDeltas;
        }

        /// <summary>Δ_lᵀ [fan_out, n] for every layer below the readout.</summary>
        public Tensor[] TransposedDeltas { get; }

        /// <summary>The layout of <paramref name="scaledInputs"/> and <paramref name="deltas"/> (which stay the caller's), in the caller's scope.</summary>
        public static ProductLayout Create(IReadOnlyList<ScaledLinear> layers, Tensor[] scaledInputs, Tensor[] deltas)
        {
            var augmented = new Tensor[layers.Count];
            for (int l = 0; l < layers.Count; l++)
            {
                var a = scaledInputs[l];
                augmented[l] = layers[l].Bias is null ? a.alias() : torch.cat(new[] { a, torch.ones(a.shape[0], 1, a.dtype, a.device) }, 1);
            }
            // The readout's products read Ã⁺_L only by rows.
            var transposed = augmented.SkipLast(1).Select(a => a.t().contiguous()).ToArray();
            var layout = new ProductLayout(augmented, transposed, deltas.Select(d => d.t().contiguous()).ToArray());
            foreach (var t in layout.AllTensors()) t.DetachFromDisposeScope();
            return layout;
        }

        /// <summary>Ju [n] for a tangent given per parameter slot; see <see cref="DenseChainLinearisation.Apply"/>.</summary>
        public Tensor Apply(IReadOnlyList<Tensor> tangent, (int Weight, int Bias)[] slots, double multiplier)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            int depth = _augmented.Length;
            // The readout: m Ã⁺_L T_L.
            var ju = KeptScalars.TimesInPlace(torch.mm(_augmented[depth - 1], Stacked(tangent, slots[depth - 1])).view(-1), multiplier);
            for (int l = 0; l + 1 < depth; l++)
                KeptScalars.AddInPlace(ju, torch.mm(Stacked(tangent, slots[l]), TransposedDeltas[l]).mul_(_augmentedTransposed[l]).sum(0L));
            return ju.MoveToOuterDisposeScope();
        }

        /// <summary>Jᵀv per parameter slot for <paramref name="v"/> [n]; see <see cref="DenseChainLinearisation.TransposeApply"/>.</summary>
        public Tensor[] TransposeApply(Tensor v, (int Weight, int Bias)[] slots, int parameterCount, double multiplier)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            int depth = _augmented.Length;
            var result = new Tensor[parameterCount];
            // The readout: m vᵀ Ã⁺_L = m [Vᵀ Ã_L | Σ_i v_i].
            Split(KeptScalars.TimesInPlace(torch.mm(v.view(1, -1), _augmented[depth - 1]), multiplier), slots[depth - 1], result);
            var column = v.view(-1, 1);
            for (int l = 0; l + 1 < depth; l++)
                Split(torch.mm(TransposedDeltas[l], _augmented[l] * column), slots[l], result);
            foreach (var t in result) t.MoveToOuterDisposeScope();
            return result;
        }

        // T = [dWᵀ; db] [fan_in + 1, fan_out] (dWᵀ without a bias), a view where there is no bias to append.
        private static Tensor Stacked(IReadOnlyList<Tensor> tangent, (int Weight, int Bias) slot)
        {
            var weight = tangent[slot.Weight];
            return (slot.Bias < 0 ? weight : torch.cat(new[] { weight, tangent[slot.Bias].view(-1, 1) }, 1)).t();
        }

        // [dW_l | db_l] [fan_out, fan_in (+ 1)] into its slots.
        private static void Split(Tensor stacked, (int Weight, int Bias) slot, Tensor[] result)
        {
            long fanIn = stacked.shape[1] - (slot.Bias < 0 ? 0 : 1);
            result[slot.Weight] = stacked.narrow(1, 0, fanIn);
            if (slot.Bias >= 0) result[slot.Bias] = stacked.select(1, fanIn);
        }

        private IEnumerable<Tensor> AllTensors() => _augmented.Concat(_augmentedTransposed).Concat(TransposedDeltas);

        /// <inheritdoc />
        public void Dispose()
        {
            foreach (var t in AllTensors()) t.Dispose();
        }
    }
}
