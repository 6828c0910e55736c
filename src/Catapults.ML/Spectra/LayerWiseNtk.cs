using Catapults.ML.Models;
using Catapults.ML.Runtime;

namespace Catapults.ML.Spectra;

/// <summary>
/// The exact NTK of a network that declares its <see cref="IDenseLayerChain"/>, layer by layer, without any per-sample gradient:
/// K = m² Σ_l (s_l² A_l A_lᵀ + 1_bias) ⊙ (Δ_l Δ_lᵀ), where A_l [n, fan_in] is layer l's input, s_l its
/// <see cref="ScaledLinear.WeightScale"/>, Δ_l [n·O, fan_out] the derivatives of the readout pre-activations with
/// respect to layer l's pre-activations (one backward sweep per output, batched over samples), and m the output
/// multiplier. Only the part on and above the diagonal is computed (K is symmetric), in strips of rows, and mirrored, so the cost is about
/// half of O(n²·Σ fan_in + (nO)²·Σ width); memory: K, the layers' activations and Δs, and strip-sized temporaries.
/// </summary>
public static class LayerWiseNtk
{
    /// <summary>
    /// K [n·O, n·O] (sample-major) in the network's dtype and device. The formula covers every weight and bias, so
    /// a network with a frozen parameter (requires_grad = false) is refused.
    /// </summary>
    public static Tensor Compute(IDenseLayerChain network, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        TorchRuntime.EnsureLoaded();
        var layers = network.Layers;
        if (layers.Count == 0) throw new ArgumentException("The network has no layers.", nameof(network));
        var parameters = layers.SelectMany(l => l.Bias is null ? new[] { l.Weight } : new[] { l.Weight, l.Bias! }).ToList();
        if (parameters.Any(p => !p.requires_grad))
            throw new ArgumentException(
                parameters.All(p => !p.requires_grad)
                    ? "The network has no trainable parameters (requires_grad = false everywhere), so it has no NTK."
                    : "The layer-wise NTK covers every layer, but some parameters have requires_grad = false; use NtkMethod.ExplicitJacobian or MatrixFree.",
                nameof(network));
        DenseChainLinearisation.CheckInputs(network, inputs);
        long n = inputs.shape[0];
        int o = layers[^1].OutFeatures;
        long size = n * o;
        double m = network.OutputMultiplier;

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var weight0 = layers[0].Weight;
        using var linearisation = DenseChainLinearisation.Create(network, inputs);
        var scaledInputs = linearisation.ScaledInputs.ToArray();
        var deltas = linearisation.Deltas.ToArray();

        // K is symmetric: it is computed in strips of rows, each from its diagonal to the last column, and mirrored
        // below the diagonal. With strips of b samples that is about 1/2 + b/2n of the products of full Gram matrices
        // (53 % at n = 2000), each strip one wide matrix product (efficient where square tiles of the same side are
        // not), and the temporaries are strip-sized instead of [nO, nO].
        var kernel = torch.empty(new[] { size, size }, weight0.dtype, weight0.device);
        using var eye = o == 1 ? null : torch.eye(o, dtype: weight0.dtype, device: weight0.device);
        double m2 = m * m;
        for (long i0 = 0; i0 < n; i0 += StripSamples)
        {
            using var stripScope = torch.NewDisposeScope();
            long ni = Math.Min(StripSamples, n - i0), nj = n - i0;
            var block = o == 1
                ? SingleOutputBlock(scaledInputs, deltas, layers, m2, i0, ni, i0, nj)
                : MultiOutputBlock(scaledInputs, deltas, layers, m2, o, eye!, i0, ni, i0, nj);
            kernel.narrow(0, i0 * o, ni * o).narrow(1, i0 * o, nj * o).copy_(block);
            if (nj > ni)
                kernel.narrow(0, (i0 + ni) * o, (nj - ni) * o).narrow(1, i0 * o, ni * o).copy_(block.narrow(1, ni * o, (nj - ni) * o).t());
        }
        return kernel.MoveToOuterDisposeScope();
    }

    // One output: Σ_l (Δ_l Δ_lᵀ) ⊙ G_l accumulated with fused multiply-adds, and the readout's Gram added by the
    // product itself (addmm), so the block is written once per layer.
    private static Tensor SingleOutputBlock(Tensor[] scaledInputs, Tensor[] deltas, IReadOnlyList<ScaledLinear> layers, double m2,
        long i0, long ni, long j0, long nj)
    {
        int depth = layers.Count;
        Tensor? block = null;
        for (int l = depth - 2; l >= 0; l--)
        {
            var gram = Gram(scaledInputs[l], layers[l].Bias is not null, i0, ni, j0, nj);
            var outer = torch.mm(deltas[l].narrow(0, i0, ni), deltas[l].narrow(0, j0, nj).t());
            block = block is null ? outer.mul_(gram) : KeptScalars.AddProductInPlace(block, outer, gram);
        }
        var a = scaledInputs[depth - 1];
        // Readout: ∂f/∂z_L = m, so its term is m² (s_L² A_L A_Lᵀ + 1).
        block = block is null
            ? KeptScalars.TimesInPlace(torch.mm(a.narrow(0, i0, ni), a.narrow(0, j0, nj).t()), m2)
            : block.addmm_(a.narrow(0, i0, ni), a.narrow(0, j0, nj).t(), beta: 1, alpha: (float)m2);
        return layers[depth - 1].Bias is null ? block : KeptScalars.AddConstantInPlace(block, m2);
    }

    // Several outputs: the readout's term is m² (s_L² A_L A_Lᵀ + 1) ⊗ I_O, and each layer's Gram multiplies the
    // O×O blocks of Δ_l Δ_lᵀ.
    private static Tensor MultiOutputBlock(Tensor[] scaledInputs, Tensor[] deltas, IReadOnlyList<ScaledLinear> layers, double m2, int o,
        Tensor eye, long i0, long ni, long j0, long nj)
    {
        int depth = layers.Count;
        var readout = KeptScalars.TimesInPlace(Gram(scaledInputs[depth - 1], layers[depth - 1].Bias is not null, i0, ni, j0, nj), m2);
        var block = (readout.unsqueeze(1).unsqueeze(3) * eye.unsqueeze(0).unsqueeze(2)).reshape(ni * o, nj * o);
        for (int l = depth - 2; l >= 0; l--)
        {
            var gram = Gram(scaledInputs[l], layers[l].Bias is not null, i0, ni, j0, nj);
            var outer = torch.mm(deltas[l].narrow(0, i0 * o, ni * o), deltas[l].narrow(0, j0 * o, nj * o).t());
            KeptScalars.AddProductInPlace(block.view(ni, o, nj, o), outer.view(ni, o, nj, o), gram.unsqueeze(1).unsqueeze(3));
        }
        return block;
    }

    /// <summary>
    /// Samples per strip of kernel rows: enough rows for an efficient matrix product, few enough to skip most of the
    /// lower triangle. At n = 2000, one MKL thread, the upper part of a [n, 1024] Gram took 45–47 ms in strips of
    /// 100–200 rows, against 48–52 ms in square tiles of side 250 (the best side) and 80 ms as one full product.
    /// </summary>
    private const long StripSamples = 128;

    // (s A)_I (s A)_Jᵀ + 1 (with a bias), [ni, nj].
    private static Tensor Gram(Tensor scaled, bool bias, long i0, long ni, long j0, long nj)
    {
        var gram = torch.mm(scaled.narrow(0, i0, ni), scaled.narrow(0, j0, nj).t());
        return bias ? KeptScalars.AddConstantInPlace(gram, 1.0) : gram;
    }
}
