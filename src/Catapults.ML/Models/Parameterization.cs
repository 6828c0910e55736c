using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>How weights are initialised and scaled in the forward pass.</summary>
[JsonConverter(typeof(StrictEnumConverter))]
public enum Parameterization
{
    /// <summary>PyTorch's default initialisation: weights and biases ~ U(−1/√fan_in, 1/√fan_in), no forward scaling.</summary>
    Standard,

    /// <summary>
    /// Neural tangent kernel parameterisation: weights ~ N(0, 1) and each layer's pre-activation divided by √fan_in.
    /// Biases start at 0 and are not scaled.
    /// </summary>
    Ntk,

    /// <summary>
    /// Mean-field / μP readout: weights ~ N(0, 1), hidden layers divided by √fan_in and the readout by fan_in
    /// (its width), so the output vanishes as width grows and features must move to fit.
    /// </summary>
    MeanField,
}
