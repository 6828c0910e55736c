using Parameter = TorchSharp.Modules.Parameter;

namespace Catapults.ML.Training;

/// <summary>
/// Changes the update the optimiser computed, before it is applied: w_{t+1} = w_t + T(Δ). Used for projected
/// (dominant- or bulk-subspace) training.
/// </summary>
public interface IUpdateTransform
{
    /// <summary>
    /// Rewrites <paramref name="updates"/> in place; each has the shape of the parameter at the same index of
    /// <paramref name="parameters"/>. The model holds w_t.
    /// </summary>
    void Transform(StepContext step, IReadOnlyList<Parameter> parameters, IReadOnlyList<Tensor> updates);
}
