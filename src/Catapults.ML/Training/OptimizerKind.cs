using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Training;

/// <summary>Which optimiser to train with.</summary>
[JsonConverter(typeof(StrictEnumConverter))]
public enum OptimizerKind
{
    /// <summary>Plain (stochastic) gradient descent: w ← w − η∇L.</summary>
    Sgd,
    /// <summary>SGD with heavy-ball momentum (<see cref="OptimizerOptions.Momentum"/>).</summary>
    Momentum,
    /// <summary>Adam.</summary>
    Adam,
    /// <summary>RMSprop.</summary>
    RmsProp,
    /// <summary>Adagrad.</summary>
    Adagrad,
}
