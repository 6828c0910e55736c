using System.Globalization;
using System.Text;
using System.Text.Json;
using Catapults.ML.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Bench;

/// <summary>
/// A folder through which a benchmark hands its data and weights to a PyTorch peer script: tensors as NumPy .npy files
/// (read by <c>numpy.load</c>) and a dense network's layers with their forward scales in <c>network.json</c>, so that
/// both sides compute with the same numbers. Deleted on dispose.
/// </summary>
public sealed class PeerExchange : IDisposable
{
    /// <summary>A fresh temporary folder.</summary>
    public PeerExchange() => Directory = System.IO.Directory.CreateTempSubdirectory("catapults-peer-").FullName;

    /// <summary>The folder's path.</summary>
    public string Directory { get; }

    /// <summary>Writes <paramref name="tensor"/> (float32, float64 or int64) as <c>name.npy</c>, C order.</summary>
    public void Write(string name, Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        var t = tensor.detach().cpu().contiguous();
        (string descr, byte[] data) = t.dtype switch
        {
            ScalarType.Float32 => ("<f4", Bytes(t.data<float>().ToArray())),
            ScalarType.Float64 => ("<f8", Bytes(t.data<double>().ToArray())),
            ScalarType.Int64 => ("<i8", Bytes(t.data<long>().ToArray())),
            _ => throw new NotSupportedException($"No .npy export for {t.dtype}."),
        };
        string shape = t.dim() == 1 ? $"({t.shape[0]},)" : "(" + string.Join(", ", t.shape) + ")";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // Magic, version 1.0, header length; the header is padded with spaces to a multiple of 64 bytes, ending in '\n'.
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        using var file = File.Create(Path.Combine(Directory, name + ".npy"));
        file.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(data);
    }

    /// <summary>Writes a dense network's weights (<c>W0.npy</c>, <c>b0.npy</c>, …) and <c>network.json</c> (scales, activation, output multiplier).</summary>
    public void WriteNetwork(IDenseLayerChain network)
    {
        var layers = network.Layers;
        for (int l = 0; l < layers.Count; l++)
        {
            Write($"W{l}", layers[l].Weight);
            if (layers[l].Bias is { } b) Write($"b{l}", b);
        }
        var meta = new Dictionary<string, object>
        {
            ["layers"] = layers.Count,
            ["scales"] = layers.Select(l => l.WeightScale).ToArray(),
            ["biases"] = layers.Select(l => l.Bias is not null).ToArray(),
            ["activation"] = network.Activation.ToString().ToLowerInvariant(),
            ["multiplier"] = network.OutputMultiplier,
        };
        File.WriteAllText(Path.Combine(Directory, "network.json"), JsonSerializer.Serialize(meta));
    }

    private static byte[] Bytes<T>(T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }

    /// <summary>Formats a number for a peer's command line.</summary>
    public static string Arg(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
