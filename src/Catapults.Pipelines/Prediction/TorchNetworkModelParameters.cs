using Catapults.ML.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Pipelines.Prediction;

/// <summary>
/// The trained network behind a prediction transformer: a <see cref="NetworkModule"/> of any architecture (fully
/// connected, CNN, Wide ResNet, ViT) and the device it lives on. It reads flat rows of d features; image networks
/// unflatten them to their [C, H, W] input shape. It owns the network's native tensors; disposing the transformer disposes it.
/// </summary>
/// <remarks>
/// Prediction runs without gradients and is safe to call from several threads at once (each call uses its own tensors).
/// </remarks>
public sealed class TorchNetworkModelParameters : IDisposable
{
    // An owning PredictionEngine (ML.NET's default) is how a shared model usually gets disposed under its other users,
    // so the message names the option that prevents it.
    internal const string DisposedMessage =
        "The TorchNetwork transformer's network has been disposed and its native memory freed. A PredictionEngine disposes " +
        "its model when the engine is disposed, unless it was created with new PredictionEngineOptions { OwnsTransformer = false } " +
        "(ML.NET's default is true): give every engine that shares a model that option, and dispose the model once, yourself.";

    private bool _disposed;

    internal TorchNetworkModelParameters(NetworkModule network, Device device)
    {
        Network = network;
        Device = device;
        network.eval();
    }

    /// <summary>
    /// The network. Read it (for example to compute an AGOP or an NTK); changing its weights changes every prediction
    /// of the transformer that owns it.
    /// </summary>
    public NetworkModule Network { get; }

    /// <summary>The device the network's parameters live on.</summary>
    public Device Device { get; }

    /// <summary>Shape of one input sample: [d] for a fully connected network, [C, H, W] for an image network.</summary>
    public IReadOnlyList<long> InputShape => Network.InputShape;

    /// <summary>Number of input features d (the product of <see cref="InputShape"/>).</summary>
    public int InputDimension => (int)Network.InputDimension;

    /// <summary>Number of network outputs O.</summary>
    public int OutputCount => Network.OutputCount;

    /// <summary>The architecture in words.</summary>
    public string Description => Network.Describe();

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount => Network.TrainableParameterCount();

    /// <summary>
    /// Raw network outputs f(x) for <paramref name="rows"/> inputs stored row-major in <paramref name="features"/>
    /// (rows × d values), written row-major into <paramref name="outputs"/> (rows × O values).
    /// </summary>
    public void PredictRaw(float[] features, int rows, float[] outputs)
    {
        if (_disposed) throw new ObjectDisposedException(null, DisposedMessage);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(outputs);
        int d = InputDimension, o = OutputCount;
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "At least one row is needed.");
        if (features.Length < (long)rows * d)
            throw new ArgumentException($"{rows} rows of {d} features need {(long)rows * d} values, got {features.Length}.", nameof(features));
        if (outputs.Length < (long)rows * o)
            throw new ArgumentException($"{rows} rows of {o} outputs need room for {(long)rows * o} values, got {outputs.Length}.", nameof(outputs));

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = torch.tensor(new Memory<float>(features, 0, rows * d), new long[] { rows, d });
        if (Device.type != DeviceType.CPU) x = x.to(Device);
        var y = Network.forward(x);
        if (y.device_type != DeviceType.CPU) y = y.cpu();
        if (!y.is_contiguous()) y = y.contiguous();
        y.data<float>().CopyTo(outputs.AsSpan(0, rows * o), 0, 0);
    }

    /// <summary>Raw network outputs f(x) for one input of d features.</summary>
    public float[] PredictRaw(float[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length != InputDimension)
            throw new ArgumentException($"The network expects {InputDimension} features, got {features.Length}.", nameof(features));
        var outputs = new float[OutputCount];
        PredictRaw(features, 1, outputs);
        return outputs;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Network.Dispose();
    }
}
