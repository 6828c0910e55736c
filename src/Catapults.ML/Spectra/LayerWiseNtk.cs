using Catapults.ML.Models;
using Catapults.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Spectra;

/// <summary>
/// The exact NTK of a network that declares its <see cref="IDenseLayerChain"/>, layer by layer, without any per-sample gradient:
/// K = m² Σ_l (s_l² A_l A_lᵀ + 1_bias) ⊙ (Δ_l Δ_lᵀ), where A_l [n, fan_in] is layer l's input, s_l its
/// <see cref="ScaledLinear.WeightScale"/>, Δ_l [n·O, fan_out] the derivatives of the readout pre-activations with
/// respect to layer l's pre-activations (one backward sweep per output, batched over samples), and m the output
/// multiplier. Cost: O(n²·Σ fan_in + (nO)²·Σ width); memory: a few [nO, nO] matrices.
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
        long d = layers[0].InFeatures;
        if (inputs.dim() < 2 || inputs.shape[0] < 1 || inputs.numel() != inputs.shape[0] * d)
            throw new ArgumentException($"The network expects inputs [n, {d}], got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        int depth = layers.Count;
        long n = inputs.shape[0];
        int o = layers[depth - 1].OutFeatures;
        long size = n * o;
        double m = network.OutputMultiplier;
        var activation = network.Activation;

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var weight0 = layers[0].Weight;
        var h = inputs.reshape(n, d).to(weight0.dtype, weight0.device);
        // The forward pass up to the readout's input (the readout's own output is not needed), one fused
        // s·x Wᵀ + b per layer.
        var layerInputs = new Tensor[depth];
        var preActivations = new Tensor[depth - 1];
        for (int l = 0; l < depth; l++)
        {
            layerInputs[l] = h;
            if (l + 1 == depth) break;
            var layer = layers[l];
            var z = layer.Bias is null
                ? torch.mm(h, layer.Weight.t()).mul_(layer.WeightScale)
                : torch.addmm(layer.Bias.unsqueeze(0), h, layer.Weight.t(), beta: 1, alpha: (float)layer.WeightScale);
            preActivations[l] = z;
            h = Activations.Apply(activation, z);
        }

        Tensor? kernel = null;
        Tensor? delta = null; // [n·O, fan_out of layer l], already including m
        for (int l = depth - 1; l >= 0; l--)
        {
            var layer = layers[l];
            double s = layer.WeightScale;
            // s_l² A_l A_lᵀ + 1 (bias), [n, n].
            var gram = torch.mm(layerInputs[l], layerInputs[l].t());
            if (s != 1.0) gram.mul_(s * s);
            if (layer.Bias is not null) gram.add_(1.0);
            if (delta is null)
            {
                // Readout: ∂f_c/∂z_{L,c'} = m δ_cc', so Δ Δᵀ = m² (1 ⊗ I_O).
                if (o == 1) kernel = m == 1.0 ? gram : gram.mul_(m * m);
                else
                {
                    using var eye = torch.eye(o, dtype: gram.dtype, device: gram.device);
                    kernel = (gram.unsqueeze(1).unsqueeze(3) * eye.unsqueeze(0).unsqueeze(2)).reshape(size, size).mul_(m * m);
                }
            }
            else
            {
                var outer = torch.mm(delta, delta.t());
                outer.view(n, o, n, o).mul_(gram.unsqueeze(1).unsqueeze(3));
                kernel!.add_(outer);
            }
            if (l == 0) break;
            // Δ_{l-1} = (Δ_l · s_l W_l) ⊙ σ'(z_{l-1}), one row per (sample, output).
            var derivative = Activations.Derivative(activation, preActivations[l - 1]);
            long width = derivative.shape[1];
            Tensor next = delta is null
                ? layer.Weight.mul(m * s).unsqueeze(0) * derivative.unsqueeze(1)
                : torch.mm(delta, layer.Weight).mul_(s).view(n, o, width) * derivative.unsqueeze(1);
            delta = next.reshape(size, width);
        }
        // K is symmetric to rounding (products of Gram matrices); not symmetrised, to save an [nO, nO] copy.
        return kernel!.MoveToOuterDisposeScope();
    }
}
