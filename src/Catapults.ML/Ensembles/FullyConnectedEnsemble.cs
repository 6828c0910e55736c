using Catapults.ML.Runtime;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.ML.Ensembles;

/// <summary>
/// M members of one fully connected architecture (<see cref="FullyConnectedNetwork"/>, any depth, width, activation,
/// bias setting and parameterisation) held as one batched model: layer l's weights are one tensor [A, out, in] over
/// the A members still training, and a forward pass is one batched matrix product per layer (baddbmm), so M small
/// networks cost about as many native calls as one.
/// </summary>
/// <remarks>
/// <para>
/// Member i starts from exactly the weights <see cref="EnsembleMember.BuildSingle"/> gives (the engine builds each
/// member's network from its description and seed and stacks its tensors), and computes exactly the single network's
/// function: f_i(x) = m_i · L_D(σ(… σ(L_1 x))) with each layer's parameterisation scale, or, with γ, the centred
/// (f_w − f_{w₀})/γ_i against the member's frozen initial weights.
/// </para>
/// <para>
/// Members that stop (budget reached or diverged) leave the stacked tensors (<see cref="Keep"/>), so later steps cost
/// only the members still training; their weights at the stop are kept for <see cref="ExtractMember"/>.
/// </para>
/// </remarks>
public sealed class FullyConnectedEnsemble : IDisposable
{
    // Weights per member (out × in) from which SubtractGradients updates a layer member by member in place rather than
    // through one batched product and a subtraction: about where the extra pass over the layer (2 × 4 bytes per weight
    // per member) costs as much as a native call per member (a few µs).
    private const long InPlaceRowThreshold = 16_384;

    // Rows (samples) of first-layer updates held before they are written (DeferredFirstLayerUpdate): 8 steps at b = 5.
    // The held rows cost each forward pass Rows·(in + out) multiply–adds per sample. Measured on ensemble-step's ensemble
    // (8 members, 100 × 1024 first layer, b = 5; 3 Dec 2026, Intel Xeon): 40 and 80 rows equal, 20 about 10 % and 160
    // about 25 % slower per step; the smaller of the two keeps the buffers small. On the AMD EPYC (5 Dec 2026) 20 and 40
    // rows were equal and 80 about 13 % slower.
    private const int DeferredUpdateRows = 40;

    private readonly EnsembleMember[] _members;
    private readonly long[] _inputShape;
    private readonly double[] _scales;
    private readonly ActivationKind _activation;
    private readonly bool _centred;
    private readonly Dictionary<int, Tensor[]> _stopped = new();
    // Each layer's [out, in], read once: TorchSharp's shape property is a native call and an allocation every time.
    private readonly long[][] _layerShapes;
    // A 0-dim zero to add to: baddbmm with β = 0 is s·(A·B) in one call instead of a product and a scaling pass.
    private readonly Tensor _zero;
    private DeferredFirstLayerUpdate _deferred = new(DeferredUpdateRows);
    private Tensor[] _weights;
    private Tensor[] _biases;
    private Tensor[] _initialWeights;
    private Tensor[] _initialBiases;
    private Tensor? _outputMultipliers;
    private Tensor? _inverseGammas;
    private Tensor[][]? _weightRows;
    private int[] _active;
    private bool _disposed;

    /// <summary>
    /// Builds the members' networks from their descriptions and seeds, for inputs of shape <paramref name="inputShape"/>
    /// and <paramref name="outputCount"/> outputs, and stacks their weights.
    /// </summary>
    /// <exception cref="ArgumentException">No members, a null member, a member that is not a fully connected network, members of different architectures, or γ on some members only; the message names the member and the setting.</exception>
    public FullyConnectedEnsemble(IReadOnlyList<EnsembleMember> members, long[] inputShape, int outputCount)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (members.Count == 0) throw new ArgumentException("An ensemble needs at least one member.", nameof(members));
        _members = members.ToArray();
        // Member 0 is the reference the others are compared with, so every member must exist before any is read.
        int missing = Array.IndexOf(_members, null);
        if (missing >= 0) throw new ArgumentException($"Member {missing} is null.", nameof(members));
        _inputShape = (long[])inputShape.Clone();
        OutputCount = outputCount;
        _centred = _members[0].Gamma is not null;
        var first = _members[0].Network with { OutputMultiplier = 1.0 };
        for (int i = 0; i < _members.Length; i++)
        {
            var m = _members[i];
            if (m.Network.Spec.Kind != ArchitectureKind.FullyConnected)
                throw new ArgumentException($"Member {i}: Network.Architecture must be a fully connected network (fcn-D) for an ensemble, got {m.Network.Architecture}.", nameof(members));
            if (m.Network with { OutputMultiplier = 1.0 } != first)
                throw new ArgumentException($"Member {i}: Network must describe the same architecture as member 0 ({first.Describe()}); only OutputMultiplier may differ.", nameof(members));
            if ((m.Gamma is not null) != _centred)
                throw new ArgumentException($"Member {i}: Gamma must be set for every member or for none (member 0 has {(_centred ? "one" : "none")}).", nameof(members));
            if (m.Gamma is double g) FeatureStrength.ValidateGamma(g);
        }

        using var scope = torch.NewDisposeScope();
        var weights = new List<Tensor>[0];
        var biases = new List<Tensor>[0];
        double[]? scales = null;
        ActivationKind activation = default;
        for (int i = 0; i < _members.Length; i++)
        {
            using var net = (FullyConnectedNetwork)_members[i].Network.Build(_inputShape, outputCount, _members[i].Seed);
            var layers = net.Layers;
            if (scales is null)
            {
                scales = layers.Select(l => l.WeightScale).ToArray();
                activation = net.Activation;
                weights = layers.Select(_ => new List<Tensor>()).ToArray();
                biases = layers.Select(_ => new List<Tensor>()).ToArray();
            }
            for (int l = 0; l < layers.Count; l++)
            {
                weights[l].Add(layers[l].Weight.detach().clone());
                if (layers[l].Bias is { } b) biases[l].Add(b.detach().clone().unsqueeze(0));
            }
        }
        _scales = scales!;
        _activation = activation;
        HasBias = biases[0].Count > 0;
        _weights = weights.Select(Stack).ToArray();
        _layerShapes = _weights.Select(w => new[] { w.shape[1], w.shape[2] }).ToArray();
        _zero = torch.zeros(Array.Empty<long>()).DetachFromDisposeScope();
        _biases = HasBias ? biases.Select(Stack).ToArray() : Array.Empty<Tensor>();
        // The frozen initial weights of a centred member are its own initial weights: the same build, as in CenteredNetwork.
        _initialWeights = _centred ? _weights.Select(w => w.detach().clone().DetachFromDisposeScope()).ToArray() : Array.Empty<Tensor>();
        _initialBiases = _centred ? _biases.Select(b => b.detach().clone().DetachFromDisposeScope()).ToArray() : Array.Empty<Tensor>();
        foreach (var t in _weights.Concat(_biases)) t.requires_grad = true;
        _active = Enumerable.Range(0, _members.Length).ToArray();
        RebuildMultipliers();

        static Tensor Stack(List<Tensor> parts)
        {
            return torch.stack(parts, 0).DetachFromDisposeScope();
        }
    }

    /// <summary>The members, by index.</summary>
    public IReadOnlyList<EnsembleMember> Members => _members;

    /// <summary>The members still training, in the order of the stacked tensors' first dimension.</summary>
    public IReadOnlyList<int> ActiveMembers => _active;

    /// <summary>Shape of one input sample.</summary>
    public IReadOnlyList<long> InputShape => _inputShape;

    /// <summary>Number of features of one flattened input sample.</summary>
    public long InputDimension => _inputShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Number of outputs O.</summary>
    public int OutputCount { get; }

    /// <summary>Whether the layers have biases.</summary>
    public bool HasBias { get; }

    /// <summary>Whether a training step has moved the weights (a trainer refuses to start such an ensemble again).</summary>
    internal bool HasStepped { get; private set; }

    /// <summary>The trainable stacked tensors of the active members: each layer's weight [A, out, in], then each bias [A, 1, out].</summary>
    /// <remarks>Reading them first writes any deferred first-layer update into the weights.</remarks>
    public IReadOnlyList<Tensor> Parameters
    {
        get
        {
            ApplyDeferredUpdate();
            return _weights.Concat(_biases).ToList();
        }
    }

    /// <summary>
    /// Rows of first-layer updates the ensemble may hold unwritten (0: write every step); for tests that compare both
    /// ways. Setting it writes what is held.
    /// </summary>
    internal int DeferredUpdateCapacity
    {
        get => _deferred.Capacity;
        set
        {
            // The new store first: a refused capacity leaves the ensemble with the store it had.
            var replacement = new DeferredFirstLayerUpdate(value);
            ApplyDeferredUpdate();
            _deferred.Dispose();
            _deferred = replacement;
        }
    }

    /// <summary>
    /// The outputs of the active members, [A, b, O], for inputs [A, b, ...] (a batch per member) or [b, ...] (one batch
    /// shared by all members). Where a shape fits both, [b, ...<see cref="InputShape"/>] is shared and [A, b, d] a batch
    /// per member: [A, 1, d] is one sample per member.
    /// </summary>
    public Tensor Forward(Tensor input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        return ForwardMembers(MemberInputs(input)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The outputs [A, b, O] for inputs already read as a batch per active member, [A, b, d] (see
    /// <see cref="MemberInputs"/>): read again by <see cref="Forward"/>, [A, 1, d] could pass for shared samples.
    /// </summary>
    internal Tensor ForwardMembers(Tensor x)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ApplyDeferredUpdate();
        using var scope = torch.NewDisposeScope();
        var f = Chain(x, _weights, _biases);
        if (_centred)
        {
            // As in CenteredNetwork: the frozen copy needs no gradient in the weights, but input gradients go through it.
            f = f - Chain(x, _initialWeights, _initialBiases);
            if (_inverseGammas is not null) f = f * _inverseGammas;
        }
        return f.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The forward pass of <see cref="Forward"/> (the same arithmetic, so the same outputs) without autograd, keeping each
    /// layer's input and pre-activation for <see cref="Gradients"/> and <see cref="SubtractGradients"/>.
    /// </summary>
    public EnsembleForwardPass ForwardForTraining(Tensor input) => TrainingPass(input, null);

    private EnsembleForwardPass TrainingPass(Tensor input, int? blockRow)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = MemberInputs(input);
        var inputs = new Tensor[_weights.Length];
        var pre = new Tensor[_weights.Length - 1];
        var product = blockRow is int row ? _deferred.BlockProduct(row, x.shape[1]) : null;
        var f = Chain(x, _weights, _biases, inputs, pre, _deferred, product);
        if (_centred)
        {
            f = f - Chain(x, _initialWeights, _initialBiases);
            if (_inverseGammas is not null) f = f * _inverseGammas;
        }
        var pass = new EnsembleForwardPass(inputs, pre, f, new[] { x.shape[0], x.shape[1], OutputCount });
        foreach (var t in inputs.Concat(pre).Append(f)) t.MoveToOuterDisposeScope();
        return pass;
    }

    /// <summary>
    /// Steps per block for batches of <paramref name="batchSize"/>: how many coming steps' inputs
    /// <see cref="BeginBlock"/> can take at once (1 when the first layer's updates are not deferred).
    /// </summary>
    internal int BlockSteps(long batchSize) => DefersFirstLayer(batchSize) ? (int)(_deferred.Capacity / batchSize) : 1;

    /// <summary>
    /// Writes any held update and takes the first layer's product for the inputs [A, k·b, ...] of the next k steps in one
    /// pass over the layer; <see cref="ForwardForTraining(Tensor, int)"/> then uses it for those steps' rows while the
    /// weights are not written in between (a member leaving or a read of the weights ends the block early).
    /// </summary>
    internal void BeginBlock(Tensor blockInputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        _deferred.BeginBlock(MemberInputs(blockInputs), WeightRows(0), (float)_scales[0]);
    }

    /// <summary>
    /// <see cref="ForwardForTraining(Tensor)"/> for the step whose inputs start at row <paramref name="blockRow"/> of the
    /// current block, taking the first layer's product from the block where it still holds.
    /// </summary>
    internal EnsembleForwardPass ForwardForTraining(Tensor input, int blockRow) => TrainingPass(input, blockRow);

    /// <summary>
    /// The gradients of Σ_m ⟨G_m, f_m⟩ with respect to <see cref="Parameters"/> (same order and shapes), for the
    /// outputs' gradient G = <paramref name="outputGradient"/> [A, b, O] at the pass (for the MSE loss, G = 2(f − y)/b).
    /// They join the current dispose scope.
    /// </summary>
    /// <remarks>
    /// Closed form, layer by layer from the top: with z_l = s_l·h_{l−1}W_lᵀ + b_l and h_l = σ(z_l), δ_D = G·m·(1/γ),
    /// ∂/∂W_l = s_l·δ_lᵀh_{l−1}, ∂/∂b_l = Σ_batch δ_l and δ_{l−1} = s_l·(δ_l W_l) ⊙ σ'(z_{l−1}). libtorch's generic bmm
    /// backward costs more than a whole single-network step at b = 5, which is why the ensemble does not use autograd here.
    /// </remarks>
    public Tensor[] Gradients(EnsembleForwardPass pass, Tensor outputGradient)
    {
        var gradients = new Tensor[_weights.Length + _biases.Length];
        Backward(pass, outputGradient, gradients);
        return gradients;
    }

    /// <summary>
    /// Subtracts in place, from every weight and bias of the active members, the gradient of Σ_m ⟨G_m, f_m⟩ for
    /// G = <paramref name="outputGradient"/> [A, b, O] at the pass: a plain SGD step when G carries each member's rate,
    /// G_m = η_m·2(f_m − y_m)/b. Each layer's weights are read once and written once, and member m's update depends on
    /// member m's tensors only.
    /// </summary>
    public void SubtractGradients(EnsembleForwardPass pass, Tensor outputGradient) => Backward(pass, outputGradient, null);

    /// <summary>
    /// One SGD step in place for every active member, for the loss's output gradient G = <paramref name="outputGradient"/>
    /// [A, b, O] at the pass (rates not folded in): plain SGD W ← (1 − ηλ)·W − η∇, or PyTorch's momentum rule
    /// B ← μB + ∇ + λW, W ← W − ηB with the gradient accumulated straight into the buffer. No gradient tensor of a
    /// large layer is written.
    /// </summary>
    internal void Step(EnsembleForwardPass pass, Tensor outputGradient, EnsembleSgdStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        HasStepped = true;
        Backward(pass, outputGradient, null, step);
    }

    /// <summary>
    /// The per-member losses of <paramref name="output"/> [A, b, O] against <paramref name="targets"/> [A, b, O], with
    /// the normalisation of <see cref="LossKind.MeanSquaredError"/> (L = 1/b Σᵢ ‖f(xᵢ) − yᵢ‖²): a vector [A].
    /// </summary>
    public static Tensor MeanSquaredErrors(Tensor output, Tensor targets)
    {
        if (!output.shape.SequenceEqual(targets.shape) || targets.dtype != ScalarType.Float32)
            throw new ArgumentException($"The targets must be float32 shaped like the outputs [{string.Join(", ", output.shape)}], got [{string.Join(", ", targets.shape)}] {targets.dtype}.", nameof(targets));
        using var r = output - targets;
        return MeanSquares(r);
    }

    /// <summary>The per-member losses for residuals f − y [A, b, O], as <see cref="MeanSquaredErrors"/> computes them, read out.</summary>
    internal static double[] MeanSquaredErrorsOfResiduals(Tensor residual)
    {
        using var losses = MeanSquares(residual);
        using var moved = losses.device_type == DeviceType.CPU ? null : losses.cpu();
        var values = (moved ?? losses).data<float>();
        var result = new double[values.Count];
        for (int i = 0; i < result.Length; i++) result[i] = values[i];
        return result;
    }

    private static Tensor MeanSquares(Tensor residual)
    {
        using var sq = residual * residual;
        using var perSample = sq.sum(2);
        return perSample.mean(new long[] { 1 });
    }

    /// <summary>The MSE of each active member over all of <paramref name="data"/>, without gradients, in <see cref="ActiveMembers"/> order.</summary>
    public double[] EvaluateLosses(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        const int chunk = 4096;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var total = torch.zeros(_active.Length, dtype: ScalarType.Float64);
        for (int start = 0; start < data.Count; start += chunk)
        {
            int count = Math.Min(chunk, data.Count - start);
            var x = data.Features.narrow(0, start, count);
            var y = data.Targets.narrow(0, start, count);
            var f = Forward(x);
            var losses = MeanSquaredErrors(f, y.unsqueeze(0).expand(f.shape));
            total = KeptScalars.Plus(total, KeptScalars.Times(losses.to_type(ScalarType.Float64), count));
        }
        return KeptScalars.DividedBy(total, data.Count).data<double>().ToArray();
    }

    /// <summary>
    /// Keeps only the active members at positions <paramref name="positions"/> (indices into <see cref="ActiveMembers"/>,
    /// in increasing order, so that the active members stay in member order); the others stop, and their current weights
    /// are kept for <see cref="ExtractMember"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A position is outside 0..<see cref="ActiveMembers"/>.Count − 1, repeated or out of order; nothing is changed.</exception>
    public void Keep(IReadOnlyList<int> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int i = 0; i < positions.Count; i++)
            if (positions[i] < 0 || positions[i] >= _active.Length || i > 0 && positions[i] <= positions[i - 1])
                throw new ArgumentException(
                    $"positions must be increasing indices into the {_active.Length} active members (0..{_active.Length - 1}), got [{string.Join(", ", positions)}].", nameof(positions));
        ApplyDeferredUpdate();
        _deferred.Release();
        using var scope = torch.NewDisposeScope();
        var keep = positions.ToArray();
        var dropped = Enumerable.Range(0, _active.Length).Except(keep).ToList();
        foreach (int position in dropped)
            _stopped[_active[position]] = _weights.Concat(_biases).Select(t => t[position].detach().clone().DetachFromDisposeScope()).ToArray();
        using var index = torch.tensor(keep.Select(k => (long)k).ToArray(), ScalarType.Int64);
        DropWeightRows();
        _weights = Select(_weights, index, trainable: true);
        _biases = Select(_biases, index, trainable: true);
        _initialWeights = Select(_initialWeights, index, trainable: false);
        _initialBiases = Select(_initialBiases, index, trainable: false);
        _active = keep.Select(k => _active[k]).ToArray();
        RebuildMultipliers();
    }

    /// <summary>
    /// Member <paramref name="member"/> as a single network (a <see cref="FullyConnectedNetwork"/>, or a
    /// <see cref="CenteredNetwork"/> when it has γ) with its current weights, or its weights when it stopped. The caller
    /// owns it.
    /// </summary>
    public NetworkModule ExtractMember(int member)
    {
        if (member < 0 || member >= _members.Length)
            throw new ArgumentOutOfRangeException(nameof(member), member, $"The ensemble has members 0..{_members.Length - 1}.");
        ApplyDeferredUpdate();
        using var scope = torch.NewDisposeScope();
        var single = _members[member].BuildSingle(_inputShape, OutputCount);
        var live = single is CenteredNetwork c ? (FullyConnectedNetwork)c.Network : (FullyConnectedNetwork)single;
        Tensor[] state;
        int position = Array.IndexOf(_active, member);
        state = position >= 0 ? _weights.Concat(_biases).Select(t => t[position]).ToArray() : _stopped[member];
        using (torch.no_grad())
        {
            var layers = live.Layers;
            for (int l = 0; l < layers.Count; l++)
            {
                layers[l].Weight.copy_(state[l]);
                if (layers[l].Bias is { } b) b.copy_(state[layers.Count + l].squeeze(0));
            }
        }
        return single;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _deferred.Dispose();
        DropWeightRows();
        foreach (var t in _weights.Concat(_biases).Concat(_initialWeights).Concat(_initialBiases)) t.Dispose();
        _zero.Dispose();
        foreach (var ts in _stopped.Values) foreach (var t in ts) t.Dispose();
        _outputMultipliers?.Dispose();
        _inverseGammas?.Dispose();
    }

    private void Backward(EnsembleForwardPass pass, Tensor outputGradient, Tensor[]? gradients, EnsembleSgdStep? step = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (pass.MemberCount != _active.Length)
            throw new ArgumentException($"The pass holds {pass.MemberCount} members but the ensemble has {_active.Length} active; run ForwardForTraining again or Keep the pass with the ensemble.", nameof(pass));
        if (pass.LayerInputs.Length != _weights.Length)
            throw new ArgumentException($"The pass went through {pass.LayerInputs.Length} layers but the ensemble has {_weights.Length}; it came from another ensemble.", nameof(pass));
        var gradientShape = outputGradient.shape;
        if (!gradientShape.SequenceEqual(pass.OutputShape))
            throw new ArgumentException($"The output gradient must be shaped like the outputs [{string.Join(", ", pass.OutputShape)}], got [{string.Join(", ", gradientShape)}].", nameof(outputGradient));
        var sgd = step ?? EnsembleSgdStep.Plain;
        // Plain SGD updates are linear in the gradients, so the first layer's may wait; decay and momentum read the true weights.
        bool defer = gradients is null && sgd is { Momenta: null, Decays: null } && DefersFirstLayer(pass.OutputShape[1]);
        if (!defer)
        {
            // The weights are about to be written directly, so a block's product taken before no longer holds.
            ApplyDeferredUpdate();
            if (gradients is null) _deferred.DropBlock();
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var delta = outputGradient;
        if (_inverseGammas is not null) delta = delta * _inverseGammas;
        if (_outputMultipliers is not null) delta = delta * _outputMultipliers;
        // Without momentum each member's rate goes into its output gradient, so every layer's update is one fused
        // product into the weights and no gradient tensor is written; momentum needs the gradient itself in its buffer.
        if (step is { Momenta: null }) delta = delta * Column(step.Rates);
        int depth = _weights.Length;
        for (int l = depth - 1; l >= 0; l--)
        {
            float s = (float)_scales[l];
            var h = pass.LayerInputs[l];
            // δ for the layer below, from W_l before it is updated. TorchSharp's instance baddbmm reads the instance as
            // batch1 and the third argument as the added tensor (see Chain).
            Tensor? below = null;
            if (l > 0) below = SlopeTimes(delta.baddbmm(_weights[l], _zero, beta: 0, alpha: s), pass.PreActivations[l - 1], h);
            if (gradients is not null)
            {
                using var deltaT = delta.transpose(1, 2);
                gradients[l] = deltaT.baddbmm(h, _zero, beta: 0, alpha: s).MoveToOuterDisposeScope();
                if (HasBias) gradients[depth + l] = delta.sum(new long[] { 1 }, keepdim: true).MoveToOuterDisposeScope();
            }
            else
            {
                if (l == 0 && defer)
                {
                    if (!_deferred.Fits(pass.OutputShape[1])) ApplyDeferredUpdate();
                    _deferred.Append(h, delta);
                }
                else
                {
                    using var deltaT = delta.transpose(1, 2);
                    UpdateWeights(l, deltaT, h, s, sgd);
                }
                if (HasBias)
                {
                    using var biasGradient = delta.sum(new long[] { 1 }, keepdim: true);
                    UpdateBatched(_biases[l], biasGradient, sgd, sgd.Buffers?[depth + l]);
                }
            }
            if (below is not null) delta = below;
        }
    }

    // Only a first layer large enough to be updated member by member in place is deferred (a small one stays in cache),
    // and only when the store holds at least two steps: with one, every update would be written at once anyway.
    private bool DefersFirstLayer(long batchSize) =>
        _layerShapes[0][0] * _layerShapes[0][1] >= InPlaceRowThreshold && 2 * batchSize <= _deferred.Capacity;

    // Writes the held first-layer updates into the weights, so that they are the true weights again.
    private void ApplyDeferredUpdate()
    {
        if (_deferred.Rows > 0) _deferred.ApplyTo(WeightRows(0), (float)_scales[0]);
    }

    // δ_{l−1} = (δ_l·W_l) ⊙ σ'(z_{l−1}), in place on the fresh product. ReLU's and tanh's slopes follow from the layer's
    // output h = σ(z), which the pass keeps: 1[z > 0] = sign(h) (libtorch's comparison and bool-to-float conversion cost
    // ten times a sign pass) and 1 − tanh² = 1 − h², the same bits as recomputing tanh(z).
    private Tensor SlopeTimes(Tensor back, Tensor preActivation, Tensor output)
    {
        switch (_activation)
        {
            case ActivationKind.Identity:
                return back;
            case ActivationKind.Relu:
            {
                using var slope = output.sign();
                return back.mul_(slope);
            }
            case ActivationKind.Tanh:
            {
                using var square = output * output;
                using var slope = KeptScalars.ConstantMinus(1, square);
                return back.mul_(slope);
            }
            default:
            {
                using var slope = Activations.Derivative(_activation, preActivation);
                return back.mul_(slope);
            }
        }
    }

    private void UpdateWeights(int layer, Tensor deltaT, Tensor h, float s, EnsembleSgdStep step)
    {
        var buffer = step.Buffers?[layer];
        if (_layerShapes[layer][0] * _layerShapes[layer][1] < InPlaceRowThreshold)
        {
            // A small layer: one batched product and a few whole-tensor passes cost less than native calls per member.
            using var gradient = deltaT.baddbmm(h, _zero, beta: 0, alpha: s);
            UpdateBatched(_weights[layer], gradient, step, buffer);
            return;
        }
        // One in-place product per member: TorchSharp 0.107 has no in-place baddbmm, and an out-of-place one would write
        // a second copy of the weights every step (or, with momentum, of the buffer).
        var rows = WeightRows(layer);
        var deltas = deltaT.unbind(0);
        var inputs = h.unbind(0);
        if (step.Momenta is null)
        {
            // W ← (1 − η λ)·W − s·(ηδ)ᵀh: the rate is in δ already.
            for (int m = 0; m < rows.Length; m++)
                rows[m].addmm_(deltas[m], inputs[m], beta: step.Decays is null ? 1 : 1 - step.Rates[m] * step.Decays[m], alpha: -s);
            return;
        }
        // PyTorch's momentum rule, with the gradient accumulated straight into the buffer: B ← μB + ∇ + λW, W ← W − ηB.
        var buffers = buffer!.unbind(0);
        for (int m = 0; m < rows.Length; m++)
        {
            buffers[m].addmm_(deltas[m], inputs[m], beta: step.Momenta[m], alpha: s);
            if (step.Decays is not null && step.Decays[m] != 0) KeptScalars.AddInPlace(buffers[m], rows[m], step.Decays[m]);
            KeptScalars.AddInPlace(rows[m], buffers[m], -step.Rates[m]);
        }
    }

    // The same step for a stacked parameter [A, ...] and its whole gradient (with the rate folded in when there is no momentum).
    private static void UpdateBatched(Tensor parameter, Tensor gradient, EnsembleSgdStep step, Tensor? buffer)
    {
        if (step.Momenta is null)
        {
            if (step.Decays is not null)
            {
                using var keep = Column(step.Rates.Zip(step.Decays, (r, d) => 1 - r * d).ToArray());
                parameter.mul_(keep);
            }
            parameter.sub_(gradient);
            return;
        }
        using (var momenta = Column(step.Momenta)) KeptScalars.AddInPlace(buffer!.mul_(momenta), gradient);
        if (step.Decays is not null)
        {
            using var decays = Column(step.Decays);
            using var decay = parameter * decays;
            KeptScalars.AddInPlace(buffer!, decay);
        }
        using var rates = Column(step.Rates);
        using var change = buffer! * rates;
        parameter.sub_(change);
    }

    // A per-member factor [A, 1, 1] that broadcasts over a stacked tensor.
    private static Tensor Column(float[] values) => torch.tensor(values, new long[] { values.Length, 1, 1 });

    // Per-member views of a layer's stacked weights for in-place updates, rebuilt when the stacked tensors change (Keep).
    private Tensor[] WeightRows(int layer)
    {
        if (_weightRows is null)
        {
            _weightRows = new Tensor[_weights.Length][];
            for (int l = 0; l < _weights.Length; l++)
            {
                using var plain = _weights[l].detach();
                _weightRows[l] = plain.unbind(0).Select(t => t.DetachFromDisposeScope()).ToArray();
            }
        }
        return _weightRows[layer];
    }

    private void DropWeightRows()
    {
        if (_weightRows is null) return;
        foreach (var rows in _weightRows) foreach (var t in rows) t.Dispose();
        _weightRows = null;
    }

    private Tensor Chain(Tensor x, Tensor[] weights, Tensor[] biases, Tensor[]? inputs = null, Tensor[]? preActivations = null,
        DeferredFirstLayerUpdate? deferred = null, Tensor? firstProduct = null)
    {
        var h = x;
        for (int l = 0; l < weights.Length; l++)
        {
            if (inputs is not null) inputs[l] = h;
            var wt = weights[l].transpose(1, 2);
            // baddbmm computes bias + s·(h Wᵀ) in one call, as the single layer computes s·(x Wᵀ) + b. TorchSharp
            // 0.107's binding reads the instance as batch1 and the second argument as the added matrix, so
            // h.baddbmm(Wᵀ, bias) is libtorch's bias.baddbmm(h, Wᵀ) (its static torch.baddbmm passes them shifted).
            h = l == 0 && firstProduct is not null ? (HasBias ? KeptScalars.Plus(firstProduct, biases[0]) : firstProduct)
                : HasBias ? h.baddbmm(wt, biases[l], beta: 1, alpha: (float)_scales[l])
                : _scales[l] == 1.0 ? torch.bmm(h, wt) : h.baddbmm(wt, _zero, beta: 0, alpha: (float)_scales[l]);
            if (l == 0 && deferred is not null) h = deferred.Correct(x, h, (float)_scales[0]);
            if (l + 1 < weights.Length)
            {
                if (preActivations is not null) preActivations[l] = h;
                h = Activations.Apply(_activation, h);
            }
        }
        if (_outputMultipliers is not null) h = h * _outputMultipliers;
        return h;
    }

    /// <summary>
    /// <paramref name="input"/> as a batch per active member, [A, b, d]: the one reading of an input's shape, which
    /// every forward pass and measurement of the ensemble shares.
    /// </summary>
    /// <exception cref="ArgumentException">The shape fits neither reading.</exception>
    internal Tensor MemberInputs(Tensor input)
    {
        long d = InputDimension;
        long a = _active.Length;
        var shape = input.shape;
        // A shape can fit both readings: [A, 1, d] is one sample per member, and also A shared samples of [1, d]. The
        // declared input shape decides: [b, ...input shape] is shared, then [A, b, d] or [A, b, ...input shape] is a batch
        // per member, and only then are other shapes flattened (found by mutation testing: members with batches of one
        // trained on each other's samples).
        bool shared = shape.AsSpan(1).SequenceEqual(_inputShape);
        bool perMember = !shared && shape.Length >= 3 && shape[0] == a
            && (shape.Length == 3 && shape[2] == d || shape.AsSpan(2).SequenceEqual(_inputShape));
        if (perMember) return shape.Length == 3 ? input.alias() : input.reshape(a, shape[1], d);
        if (shape.Length >= 2 && shape.Skip(1).Aggregate(1L, (p, s) => p * s) == d)
            return input.reshape(1, shape[0], d).expand(a, shape[0], d);
        if (shape.Length >= 3 && shape[0] == a && shape.Skip(2).Aggregate(1L, (p, s) => p * s) == d)
            return shape.Length == 3 ? input.alias() : input.reshape(a, shape[1], d);
        throw new ArgumentException(
            $"The ensemble expects inputs [b, {d}] shared by its members or [{a}, b, {d}] (a batch per active member), got [{string.Join(", ", shape)}].",
            nameof(input));
    }

    private static Tensor[] Select(Tensor[] tensors, Tensor index, bool trainable)
    {
        var selected = new Tensor[tensors.Length];
        for (int i = 0; i < tensors.Length; i++)
        {
            using (torch.no_grad()) selected[i] = tensors[i].index_select(0, index).DetachFromDisposeScope();
            if (trainable) selected[i].requires_grad = true;
            tensors[i].Dispose();
        }
        return selected;
    }

    private void RebuildMultipliers()
    {
        _outputMultipliers?.Dispose();
        _inverseGammas?.Dispose();
        var m = _active.Select(i => _members[i].Network.OutputMultiplier).ToArray();
        // A multiplier of exactly 1 is skipped, as the single network skips it, so the arithmetic is the same.
        _outputMultipliers = m.All(v => v == 1.0) ? null : Column(m);
        var inv = _active.Select(i => _members[i].Gamma is double g ? 1.0 / g : 1.0).ToArray();
        _inverseGammas = inv.All(v => v == 1.0) ? null : Column(inv);

        static Tensor Column(double[] values) =>
            torch.tensor(values.Select(v => (float)v).ToArray(), ScalarType.Float32).reshape(values.Length, 1, 1).DetachFromDisposeScope();
    }
}
