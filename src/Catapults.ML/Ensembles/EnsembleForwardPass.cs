namespace Catapults.ML.Ensembles;

/// <summary>
/// A forward pass of a <see cref="FullyConnectedEnsemble"/> that keeps what its closed-form backward needs: each layer's
/// input h_{l−1} [A, b, in_l], each hidden layer's pre-activation z_l [A, b, out_l], and the outputs f [A, b, O], for the
/// A members that were active when it ran. Its tensors belong to the dispose scope that was current when
/// <see cref="FullyConnectedEnsemble.ForwardForTraining(Tensor)"/> ran; nothing here tracks gradients.
/// </summary>
public sealed class EnsembleForwardPass
{
    internal EnsembleForwardPass(Tensor[] layerInputs, Tensor[] preActivations, Tensor output, long[] outputShape)
    {
        LayerInputs = layerInputs;
        PreActivations = preActivations;
        Output = output;
        OutputShape = outputShape;
    }

    /// <summary>The outputs f [A, b, O] of the active members, as <see cref="FullyConnectedEnsemble.Forward"/> computes them.</summary>
    public Tensor Output { get; }

    /// <summary>Number of members A the pass holds.</summary>
    public long MemberCount => OutputShape[0];

    // [A, b, O], kept so that a step need not ask libtorch for it (a native call and an allocation each time).
    internal long[] OutputShape { get; }

    internal Tensor[] LayerInputs { get; }

    internal Tensor[] PreActivations { get; }

    /// <summary>
    /// The pass restricted to the members at <paramref name="positions"/> (indices into its member dimension), for the
    /// ensemble after <see cref="FullyConnectedEnsemble.Keep"/> with the same positions. The new tensors join the
    /// current dispose scope.
    /// </summary>
    public EnsembleForwardPass Keep(IReadOnlyList<int> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        using var index = tensor(positions.Select(p => (long)p).ToArray(), ScalarType.Int64);
        return new EnsembleForwardPass(
            LayerInputs.Select(t => t.index_select(0, index)).ToArray(),
            PreActivations.Select(t => t.index_select(0, index)).ToArray(),
            Output.index_select(0, index),
            new[] { positions.Count, OutputShape[1], OutputShape[2] });
    }
}
