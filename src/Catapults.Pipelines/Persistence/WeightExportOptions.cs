using Catapults.ML.Models;

namespace Catapults.Pipelines.Persistence;

/// <summary>Options of <see cref="NetworkWeights.Export(FullyConnectedNetwork, Stream, WeightExportOptions?)"/>.</summary>
public sealed class WeightExportOptions
{
    /// <summary>
    /// When true, each layer's forward multiplier s_l (and, for the readout, the output multiplier m) is folded into
    /// the stored weights and biases, so that a plain stack of <c>torch.nn.Linear</c> layers with the same activation
    /// computes exactly f(x). When false (the default) the raw parameters are stored, as the network trains them, and
    /// a PyTorch user applies the scales from the metadata.
    /// </summary>
    public bool FoldScales { get; set; }
}
