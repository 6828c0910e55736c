using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.ML.Ensembles;

/// <summary>
/// One member of a batched ensemble, described with the library's own run description: the network
/// (<see cref="NetworkDescription"/>), the training (<see cref="TrainingOptions"/>: rate or schedule, batch size,
/// batch-order seed, budget, divergence factor), the initialisation seed and, optionally, the feature-learning strength
/// γ of the centred network f = (f_w − f_{w₀})/γ (<see cref="CenteredNetwork"/>).
/// </summary>
/// <param name="Network">The member's network; every member of one ensemble must describe the same architecture (only <see cref="NetworkDescription.OutputMultiplier"/> may differ).</param>
/// <param name="Training">The member's training description.</param>
/// <param name="Seed">Seed of the initial weights, as in <see cref="NetworkDescription.Build"/>.</param>
/// <param name="Gamma">γ of the centred network, or null for the plain network f_w.</param>
public sealed record EnsembleMember(NetworkDescription Network, TrainingOptions Training, long Seed, double? Gamma = null)
{
    /// <summary>Builds the single-run model this member stands for (the same initial weights as its slice of the ensemble).</summary>
    public NetworkModule BuildSingle(long[] inputShape, int outputCount) => Gamma is double g
        ? new CenteredNetwork(() => Network.Build(inputShape, outputCount, Seed), g)
        : Network.Build(inputShape, outputCount, Seed);
}
