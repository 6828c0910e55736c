using Catapults.ML.Runtime;
using Catapults.ML.Features;
using Catapults.ML.Spectra;

namespace Catapults.ML.Ensembles;

/// <summary>
/// Measurements of every active member of a <see cref="FullyConnectedEnsemble"/> at once, with the conventions of
/// the single-network ones: the critical rate of <see cref="CriticalLearningRate"/> and the AGOP of <see cref="Agop"/>.
/// </summary>
public static class EnsembleMeasurements
{
    /// <summary>
    /// η_crit = b / λ_max(K_b) of each active member on its batch, for the MSE normalisation: K_b = J Jᵀ [bO, bO] over
    /// the member's trainable weights (a centred member's frozen copy is a constant). The Jacobians of all members come
    /// from bO backward passes through the batched model (one per output row, each giving that row for every member),
    /// and the kernels' spectra from one batched float64 eigendecomposition, so this suits batches of up to a few
    /// hundred rows b·O.
    /// </summary>
    /// <param name="ensemble">The ensemble, at its current weights.</param>
    /// <param name="inputs">[b, ...] shared by the members, or [A, b, ...] a batch per active member.</param>
    /// <returns>η_crit per active member, in <see cref="FullyConnectedEnsemble.ActiveMembers"/> order (+∞ for a zero kernel).</returns>
    public static double[] CriticalRates(FullyConnectedEnsemble ensemble, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(inputs);
        if (ensemble.ActiveMembers.Count == 0) return Array.Empty<double>();
        using var scope = torch.NewDisposeScope();
        using var enable = torch.enable_grad();
        var output = ensemble.Forward(inputs);
        long a = output.shape[0], b = output.shape[1], o = output.shape[2];
        var parameters = ensemble.Parameters.ToList();
        var rows = new List<Tensor>();
        for (long i = 0; i < b; i++)
            for (long c = 0; c < o; c++)
            {
                bool last = i == b - 1 && c == o - 1;
                var grads = torch.autograd.grad(new[] { output[.., i, c].sum() }, parameters, retain_graph: !last);
                rows.Add(torch.cat(grads.Select(g => g.reshape(a, -1)).ToArray(), 1).to_type(ScalarType.Float64));
            }
        var jacobian = torch.stack(rows, 1);
        var kernel = torch.bmm(jacobian, jacobian.transpose(1, 2));
        var top = torch.linalg.eigvalsh(kernel).select(1, -1).data<double>().ToArray();
        return top.Select(l => l > 0 ? b / l : double.PositiveInfinity).ToArray();
    }

    /// <summary>
    /// Each active member's AGOP G = 1/n Σᵢ Σ_c ∇ₓf_c(xᵢ) ∇ₓf_c(xᵢ)ᵀ over <paramref name="inputs"/>, in float64: [A, d, d].
    /// One backward pass per output gives every member's input gradients, since member a's outputs depend only on its
    /// own weights and its own copy of the inputs.
    /// </summary>
    /// <param name="ensemble">The ensemble, at its current weights.</param>
    /// <param name="inputs">[n, ...] shared by the members, or [A, n, ...] a set per active member.</param>
    public static Tensor Agops(FullyConnectedEnsemble ensemble, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(inputs);
        long a = ensemble.ActiveMembers.Count, d = ensemble.InputDimension;
        if (a == 0) return torch.zeros(0, d, d, dtype: ScalarType.Float64);
        using var scope = torch.NewDisposeScope();
        using var enable = torch.enable_grad();
        // Read as Forward reads it: shared samples of the declared input shape are shared here too.
        var x = ensemble.MemberInputs(inputs).detach().clone();
        // The members' d × d sums (float64, and one product beside them) are refused before they are allocated, as Agop refuses one.
        if (MemoryBudget.Shortfall(2 * 8.0 * a * d * d, $"An AGOP per member on {d:N0} input features ({a} matrices of {d:N0} × {d:N0})") is { } shortfall)
            throw new ArgumentException(shortfall, nameof(inputs));
        x.requires_grad = true;
        var output = ensemble.ForwardMembers(x);
        long n = output.shape[1], o = output.shape[2];
        var g = torch.zeros(a, d, d, dtype: ScalarType.Float64);
        for (long c = 0; c < o; c++)
        {
            var grad = torch.autograd.grad(new[] { output[.., .., c].sum() }, new[] { x }, retain_graph: c + 1 < o)[0].to_type(ScalarType.Float64);
            g = KeptScalars.Plus(g, torch.bmm(grad.transpose(1, 2), grad));
        }
        return KeptScalars.DividedBy(g, n).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Each active member's AGOP alignment cos(G, G*) (<see cref="AgopAlignment.Cosine"/>) with <paramref name="reference"/>
    /// G* [d, d], the AGOP taken over <paramref name="inputs"/> as in <see cref="Agops"/>; null for a member whose AGOP
    /// is zero, so that no alignment is defined: a centred member at its initial weights, whose predictor
    /// (f_w − f_{w₀})/γ is 0 everywhere (as <see cref="Probes.AgopAlignmentProbe"/> records no alignment there).
    /// </summary>
    public static double?[] AgopAlignments(FullyConnectedEnsemble ensemble, Tensor inputs, Tensor reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        using var scope = torch.NewDisposeScope();
        var g = Agops(ensemble, inputs);
        var r = reference.to_type(ScalarType.Float64);
        return Enumerable.Range(0, (int)g.shape[0])
            .Select(i => g[i].norm().ReadDouble() == 0 ? (double?)null : AgopAlignment.Cosine(g[i], r)).ToArray();
    }
}
