using Catapults.ML.Runtime;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.ML.Spectra;

/// <summary>
/// Exact Hessian-vector products of the mean-squared-error loss of an <see cref="IDenseLayerChain"/> on a set of
/// samples, without autograd: Pearlmutter's R-operator, a forward sweep of the tangents R(z_l) and a backward sweep of
/// R(∂L/∂z_l), on the layers' inputs, activation slopes and gradients kept from one forward and one backward pass.
/// </summary>
/// <remarks>
/// <para>
/// With z_l = Ã_l W_lᵀ + b_l (Ã_l = s_l A_l), g_l = ∂L/∂z_l and a tangent (dW_l, db_l): R(z_l) = Ã_l dW_lᵀ +
/// R(Ã_l) W_lᵀ + db_l with R(Ã_{l+1}) = s_{l+1} σ'(z_l) ⊙ R(z_l); at the readout R(g) = κ m² R(z) for
/// L = κ/2 Σ‖f − y‖² (κ = 2/n); then, going down, (Hv)_{W_l} = R(g_l)ᵀ Ã_l + g_lᵀ R(Ã_l), (Hv)_{b_l} = Σ_i R(g_l) and
/// R(g_{l−1}) = s_l (R(g_l) W_l + g_l dW_l) ⊙ σ'(z_{l−1}) + (s_l g_l W_l) ⊙ σ''(z_{l−1}) ⊙ R(z_{l−1}).
/// </para>
/// <para>
/// That is the same matrix work as autograd's double backward (two products of n·fan_in·fan_out per layer each way,
/// one for the first layer), without its bookkeeping, its extra elementwise passes and its fresh temporaries; the
/// first-order quantities are computed once, not kept as a graph. At n = 5000 on the 100-256-256-10 tanh MLP of
/// <c>hessian-eigen</c>, one MKL thread: about 60 ms per product (its matrix products alone take 52–55 ms) against
/// 66–80 ms by double backward.
/// </para>
/// </remarks>
internal sealed class DenseChainHessian : IDisposable
{
    private readonly IReadOnlyList<ScaledLinear> _layers;
    private readonly Tensor[] _parameters;
    private readonly (int Weight, int Bias)[] _slots;
    private readonly Tensor[] _scaledInputs;   // Ã_l [n, fan_in]
    private readonly Tensor[] _slopes;         // σ'(z_l) [n, fan_out], below the readout
    private readonly Tensor?[] _curvatures;    // (∂L/∂A_{l+1}) ⊙ σ''(z_l), below the readout; null where σ'' = 0
    private readonly Tensor[] _gradients;      // g_l = ∂L/∂z_l [n, fan_out]
    private readonly double _readoutCurvature; // κ m²
    private readonly Tensor[] _movedPre;       // buffers for R(z_l) [n, fan_out] ([fan_out, n] for a narrow layer)
    private readonly Tensor?[] _movedInputs;   // buffers for R(Ã_l) [n, fan_in], above the first layer
    private readonly Tensor[] _movedGradients; // buffers for R(g_l) [n, fan_out], below the readout

    private DenseChainHessian(IReadOnlyList<ScaledLinear> layers, Tensor[] parameters, (int, int)[] slots, Tensor[] scaledInputs,
        Tensor[] slopes, Tensor?[] curvatures, Tensor[] gradients, double readoutCurvature)
    {
        _layers = layers;
        _parameters = parameters;
        _slots = slots;
        _scaledInputs = scaledInputs;
        _slopes = slopes;
        _curvatures = curvatures;
        _gradients = gradients;
        _readoutCurvature = readoutCurvature;
        var like = scaledInputs[0];
        long n = like.shape[0];
        Tensor Buffer(long width) => torch.empty(new[] { n, width }, like.dtype, like.device).DetachFromDisposeScope();
        _movedPre = layers.Select(l => l.OutFeatures < NarrowWidth
            ? torch.empty(new[] { (long)l.OutFeatures, n }, like.dtype, like.device).DetachFromDisposeScope()
            : Buffer(l.OutFeatures)).ToArray();
        _movedInputs = layers.Select((l, i) => i == 0 ? null : Buffer(l.InFeatures)).ToArray();
        _movedGradients = layers.Take(layers.Count - 1).Select(l => Buffer(l.OutFeatures)).ToArray();
    }

    /// <summary>
    /// The products of the loss <paramref name="scale"/>/2 · Σᵢ‖f(xᵢ) − yᵢ‖² (so <paramref name="scale"/> = 2/n gives the
    /// engine's MSE over n samples) of <paramref name="model"/> on <paramref name="features"/> [count, d] and
    /// <paramref name="targets"/> [count, O], or null when they are not this class's to compute: another loss, a model
    /// that is not a dense layer chain, parameters that are not exactly its weights and biases, or targets of another
    /// shape (autograd then computes the products and reports any misuse). The caller disposes the result.
    /// </summary>
    public static DenseChainHessian? TryCreate(NetworkModule model, Tensor[] parameters, LossKind loss, Tensor features, Tensor targets, double scale)
    {
        if (loss != LossKind.MeanSquaredError || model is not IDenseLayerChain { Layers.Count: > 0 } chain) return null;
        var layers = chain.Layers;
        if (DenseChainLinearisation.Slots(layers, parameters) is not { } slots) return null;
        long n = features.shape[0], d = layers[0].InFeatures;
        int o = layers[^1].OutFeatures;
        if (features.numel() != n * d || !targets.is_floating_point() || !targets.shape.SequenceEqual(new[] { n, (long)o })) return null;

        int depth = layers.Count;
        double m = chain.OutputMultiplier;
        var activation = chain.Activation;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var weight0 = layers[0].Weight;
        var x = features.reshape(n, d).to(weight0.dtype, weight0.device);
        var scaledInputs = new Tensor[depth];
        var slopes = new Tensor[depth - 1];
        var second = new Tensor?[depth - 1];
        var h = DenseChainForward.Run(layers, activation, x, scaledInputs, slopes, second, withReadout: true)!;
        // h is the readout's pre-activation z_L; f = m z_L and ∂L/∂z_L = κ m (f − y).
        var gradients = new Tensor[depth];
        gradients[depth - 1] = KeptScalars.TimesInPlace(KeptScalars.TimesInPlace(h, m).sub_(targets.to(h.dtype, h.device)), scale * m);
        var curvatures = new Tensor?[depth - 1];
        for (int l = depth - 1; l >= 1; l--)
        {
            var layer = layers[l];
            var upstream = torch.mm(gradients[l], layer.Weight);
            if (layer.WeightScale != 1.0) KeptScalars.TimesInPlace(upstream, layer.WeightScale);
            curvatures[l - 1] = second[l - 1] is { } s2 ? s2.mul_(upstream) : null;
            gradients[l - 1] = upstream.mul_(slopes[l - 1]);
        }
        foreach (var t in scaledInputs.Concat(slopes).Concat(gradients)) t.DetachFromDisposeScope();
        foreach (var t in curvatures) t?.DetachFromDisposeScope();
        return new DenseChainHessian(layers, parameters, slots, scaledInputs, slopes, curvatures, gradients, scale * m * m);
    }

    /// <summary>Hv for a flat tangent v [P] in the working dtype; returns a flat vector [P] in the caller's scope.</summary>
    public Tensor Apply(Tensor v)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var tangent = ParameterVector.Split(v, _parameters);
        int depth = _layers.Count;
        // Forward: R(z_l), and R(Ã_l) for the layers above the first (the inputs do not move). Every [n, width]
        // result goes into the operator's own buffers (beta = 0 ignores their old contents): a fresh 5 MB result's
        // first touch costs page faults, about 2 ms of a 7 ms product at n = 5000, width 256.
        var movedPre = new Tensor[depth];
        var movedInputs = new Tensor?[depth];
        for (int l = 0; l < depth; l++)
        {
            var (w, b) = _slots[l];
            Tensor z;
            if (Narrow(l))
            {
                // R(z_l)ᵀ [fan_out, n] = dW Ãᵀ + W R(Ã)ᵀ: MKL runs a product with few result columns far slower than
                // its transpose (1.3 against 0.8 ms for the 10 outputs at n = 5000).
                var zt = _movedPre[l].addmm_(tangent[w], _scaledInputs[l].t(), beta: 0, alpha: 1);
                if (movedInputs[l] is { } moved) zt.addmm_(_layers[l].Weight, moved.t(), beta: 1, alpha: 1);
                if (b >= 0) KeptScalars.AddInPlace(zt, tangent[b].unsqueeze(1));
                z = zt.t();
            }
            else
            {
                z = _movedPre[l].addmm_(_scaledInputs[l], tangent[w].t(), beta: 0, alpha: 1);
                if (movedInputs[l] is { } moved) z.addmm_(moved, _layers[l].Weight.t(), beta: 1, alpha: 1);
                if (b >= 0) KeptScalars.AddInPlace(z, tangent[b]);
            }
            movedPre[l] = z;
            if (l + 1 < depth)
            {
                var next = _movedInputs[l + 1]!.copy_(z).mul_(_slopes[l]);
                double s = _layers[l + 1].WeightScale;
                movedInputs[l + 1] = s == 1.0 ? next : KeptScalars.TimesInPlace(next, s);
            }
        }
        // Backward: R(g_l) from the readout down, and the layers' parts of Hv.
        var result = new Tensor[_parameters.Length];
        var movedGradient = KeptScalars.TimesInPlace(movedPre[depth - 1], _readoutCurvature);
        for (int l = depth - 1; l >= 0; l--)
        {
            var (w, b) = _slots[l];
            var layer = _layers[l];
            // [fan_out, fan_in] = R(g)ᵀ Ã + gᵀ R(Ã), computed as itself or as its transpose, whichever has more
            // columns: MKL's faster way round (0.9 against 3.9 ms for the readout, 2.9 against 3.3 ms for the first layer).
            Tensor hw;
            if (layer.OutFeatures <= layer.InFeatures)
            {
                hw = torch.mm(movedGradient.t(), _scaledInputs[l]);
                if (movedInputs[l] is { } moved) hw.addmm_(_gradients[l].t(), moved, beta: 1, alpha: 1);
            }
            else
            {
                hw = torch.mm(_scaledInputs[l].t(), movedGradient);
                if (movedInputs[l] is { } moved) hw.addmm_(moved.t(), _gradients[l], beta: 1, alpha: 1);
                hw = hw.t();
            }
            result[w] = hw;
            if (b >= 0) result[b] = movedGradient.sum(0L);
            if (l == 0) break;
            var below = _movedGradients[l - 1].addmm_(movedGradient, layer.Weight, beta: 0, alpha: 1);
            below.addmm_(_gradients[l], tangent[w], beta: 1, alpha: 1);
            if (layer.WeightScale != 1.0) KeptScalars.TimesInPlace(below, layer.WeightScale);
            below.mul_(_slopes[l - 1]);
            if (_curvatures[l - 1] is { } curvature) KeptScalars.AddProductInPlace(below, curvature, movedPre[l - 1]);
            movedGradient = below;
        }
        return ParameterVector.Flatten(result).MoveToOuterDisposeScope();
    }

    // Layers with few outputs keep R(z) transposed, [fan_out, n].
    private bool Narrow(int layer) => _layers[layer].OutFeatures < NarrowWidth;

    /// <summary>Below this many outputs a layer's R(z) is computed transposed (see <see cref="Apply"/>).</summary>
    private const int NarrowWidth = 32;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _scaledInputs.Concat(_slopes).Concat(_gradients).Concat(_movedPre).Concat(_movedGradients)) t.Dispose();
        foreach (var t in _curvatures.Concat(_movedInputs)) t?.Dispose();
    }
}
