using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>Spatial pooling after a convolution of a <see cref="ConvolutionalNetwork"/>.</summary>
[JsonConverter(typeof(StrictEnumConverter))]
public enum PoolingKind
{
    /// <summary>No pooling: the feature maps keep the input's size (padding keeps convolutions size-preserving).</summary>
    None,
    /// <summary>Average pooling over non-overlapping windows.</summary>
    Average,
    /// <summary>Max pooling over non-overlapping windows.</summary>
    Max,
}
