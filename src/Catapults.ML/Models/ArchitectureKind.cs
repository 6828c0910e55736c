namespace Catapults.ML.Models;

/// <summary>The network families the engine builds.</summary>
public enum ArchitectureKind
{
    /// <summary><see cref="FullyConnectedNetwork"/>.</summary>
    FullyConnected,
    /// <summary><see cref="ConvolutionalNetwork"/>.</summary>
    Convolutional,
    /// <summary><see cref="WideResNet"/>.</summary>
    WideResNet,
    /// <summary><see cref="VisionTransformer"/>.</summary>
    VisionTransformer,
}
