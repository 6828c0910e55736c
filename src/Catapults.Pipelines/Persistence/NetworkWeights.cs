using System.Globalization;
using Catapults.ML.Models;
using Catapults.ML.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Persistence;

/// <summary>
/// Exports a <see cref="FullyConnectedNetwork"/>'s weights to safetensors and imports them back.
/// </summary>
/// <remarks>
/// <para><b>Tensor names</b> (float32, PyTorch's <c>nn.Linear</c> layout): <c>layers.{l}.weight</c> with shape
/// [out_l, in_l] and <c>layers.{l}.bias</c> with shape [out_l] (absent without biases), for l = 0 (input side) to
/// D − 1 (the readout).</para>
/// <para><b>Forward pass</b> with raw weights: h₀ = x; h_{l+1} = σ(s_l · h_l W_lᵀ + b_l) for hidden layers and
/// f(x) = m · (s_{D−1} · h_{D−1} W_{D−1}ᵀ + b_{D−1}). With <see cref="WeightExportOptions.FoldScales"/> the file holds
/// W′_l = s_l W_l (times m for the readout) and b′ = m·b for the readout, so f(x) is the plain MLP.</para>
/// <para><b>Metadata</b> (<c>__metadata__</c>, strings): <c>format</c> = <c>catapults.fully_connected</c>,
/// <c>format_version</c> = <c>1</c>, <c>input_dimension</c>, <c>hidden_widths</c> (comma-separated, empty for a linear
/// model), <c>output_count</c>, <c>activation</c> (relu, tanh, gelu, identity), <c>use_bias</c>,
/// <c>parameterization</c> (standard, ntk, mean_field), <c>output_multiplier</c> (m), <c>weight_scales</c> (s_l,
/// comma-separated), <c>scales_folded</c> (true/false) and <c>forward</c> (the formula above in words).</para>
/// <para>In PyTorch: <c>safetensors.torch.load_file(path)</c> gives the dictionary; with folded scales it loads into
/// <c>nn.Sequential(nn.Linear(d, w), nn.ReLU(), nn.Linear(w, O))</c> after renaming <c>layers.{l}</c> to the
/// Sequential's indices.</para>
/// </remarks>
public static class NetworkWeights
{
    /// <summary>The <c>format</c> metadata value.</summary>
    public const string FormatName = "catapults.fully_connected";

    /// <summary>The <c>format_version</c> metadata value this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Writes the weights of <paramref name="network"/> to a safetensors file at <paramref name="path"/>.</summary>
    public static void Export(FullyConnectedNetwork network, string path, WeightExportOptions? options = null) =>
        AtomicFileWriter.Write(path, stream => Export(network, stream, options));

    /// <summary>Writes the weights of <paramref name="network"/> in safetensors format to <paramref name="stream"/>.</summary>
    public static void Export(FullyConnectedNetwork network, Stream stream, WeightExportOptions? options = null) =>
        ToSafetensors(network, options).Write(stream);

    /// <summary>The weights of <paramref name="network"/> as a <see cref="SafetensorsFile"/> (names and metadata as described above).</summary>
    public static SafetensorsFile ToSafetensors(FullyConnectedNetwork network, WeightExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        bool fold = options?.FoldScales ?? false;
        return ModelWeights.ToSafetensors(network, Metadata(network, fold), fold ? FoldedScale(network) : null);
    }

    /// <summary>Replaces the weights of <paramref name="network"/> by those in the safetensors file at <paramref name="path"/>.</summary>
    public static void Import(FullyConnectedNetwork network, string path)
    {
        using var stream = File.OpenRead(path);
        Import(network, SafetensorsFile.Read(stream, path));
    }

    /// <summary>Replaces the weights of <paramref name="network"/> by those in <paramref name="stream"/> (safetensors).</summary>
    public static void Import(FullyConnectedNetwork network, Stream stream) => Import(network, SafetensorsFile.Read(stream));

    /// <summary>
    /// Replaces the weights of <paramref name="network"/> by those of <paramref name="file"/>. Every layer tensor must
    /// be present with the network's shape, and no other tensors may be; values of any floating-point dtype are
    /// converted to float32. Folded scales (metadata <c>scales_folded</c> = true) are unfolded.
    /// </summary>
    public static void Import(FullyConnectedNetwork network, SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(file);
        CheckMetadata(network, file.Metadata, The(file));
        bool folded = file.Metadata.TryGetValue("scales_folded", out var f) && ParseFlag("scales_folded", f, The(file));
        ModelWeights.Load(network, file, folded ? FoldedScale(network) : null);
    }

    // The factor folded into tensor layers.{l}.weight (s_l, times m for the readout) or layers.{l}.bias (m for the readout).
    private static Func<string, double> FoldedScale(FullyConnectedNetwork network) => name =>
    {
        var parts = name.Split('.');
        int l = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var layers = network.Layers;
        double multiplier = l == layers.Count - 1 ? network.OutputMultiplier : 1.0;
        return parts[2] == "weight" ? layers[l].WeightScale * multiplier : multiplier;
    };

    /// <summary>Builds a new network from a safetensors file written by <see cref="Export(FullyConnectedNetwork, string, WeightExportOptions?)"/>.</summary>
    public static FullyConnectedNetwork LoadNetwork(string path)
    {
        using var stream = File.OpenRead(path);
        return LoadNetwork(SafetensorsFile.Read(stream, path));
    }

    /// <summary>Builds a new network from <paramref name="file"/>'s metadata and loads its weights.</summary>
    public static FullyConnectedNetwork LoadNetwork(SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var m = file.Metadata;
        string the = The(file);
        string Get(string key) => m.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{the} weights file lacks the metadata '{key}' needed to rebuild the network (format {FormatName}).");
        if (Get("format") != FormatName) throw new InvalidDataException($"{the} weights file's format is '{ErrorText.Excerpt(m["format"])}', not '{FormatName}'.");
        var c = CultureInfo.InvariantCulture;
        T Number<T>(string key, string text) where T : IParsable<T> => T.TryParse(text, c, out var value) ? value
            : throw new InvalidDataException($"{the} weights file's metadata '{key}' must be a {typeof(T).Name}, got '{ErrorText.Excerpt(Get(key))}'.");
        var options = new FullyConnectedOptions
        {
            InputDimension = Number<int>("input_dimension", Get("input_dimension")),
            HiddenWidths = Get("hidden_widths").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => Number<int>("hidden_widths", s)).ToArray(),
            OutputCount = Number<int>("output_count", Get("output_count")),
            Activation = ParseActivation(Get("activation"), the),
            UseBias = ParseFlag("use_bias", Get("use_bias"), the),
            Parameterization = ParseParameterization(Get("parameterization"), the),
            OutputMultiplier = Number<double>("output_multiplier", Get("output_multiplier")),
        };
        var network = BuildDescribed(() => new FullyConnectedNetwork(options), () =>
        {
            options.Validate();
            return options.ParameterCount();
        }, file, $"{the} weights file");
        try
        {
            Import(network, file);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static Dictionary<string, string> Metadata(FullyConnectedNetwork network, bool folded)
    {
        var c = CultureInfo.InvariantCulture;
        var o = network.Options;
        return new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion.ToString(c),
            ["input_dimension"] = o.InputDimension.ToString(c),
            ["hidden_widths"] = string.Join(",", o.HiddenWidths.Select(w => w.ToString(c))),
            ["output_count"] = o.OutputCount.ToString(c),
            ["activation"] = o.Activation switch
            {
                ActivationKind.Relu => "relu", ActivationKind.Tanh => "tanh", ActivationKind.Gelu => "gelu", _ => "identity",
            },
            ["use_bias"] = o.UseBias ? "true" : "false",
            ["parameterization"] = o.Parameterization switch
            {
                Parameterization.Standard => "standard", Parameterization.Ntk => "ntk", _ => "mean_field",
            },
            ["output_multiplier"] = o.OutputMultiplier.ToString("R", c),
            ["weight_scales"] = string.Join(",", network.Layers.Select(l => l.WeightScale.ToString("R", c))),
            ["scales_folded"] = folded ? "true" : "false",
            ["forward"] = folded
                ? "h0 = x; h(l+1) = act(h(l) @ W(l).T + b(l)) for hidden layers; f = h(D-1) @ W(D-1).T + b(D-1) (scales folded in)"
                : "h0 = x; h(l+1) = act(s(l) * h(l) @ W(l).T + b(l)) for hidden layers; f = m * (s(D-1) * h(D-1) @ W(D-1).T + b(D-1)), s = weight_scales, m = output_multiplier",
        };
    }

    // The file is the subject of every message: "model.safetensors: the weights file …", or "The weights file …" for
    // a file built in memory.
    /// <summary>
    /// Builds the network a saved description declares, once its size is known to be the weights' beside it (where the
    /// architecture's parameter count has a closed form): a damaged or hostile description must not make libtorch
    /// allocate gigabytes, or fail in its allocator with a message that names no file. Errors name <paramref name="where"/>.
    /// </summary>
    internal static T BuildDescribed<T>(Func<T> build, Func<double?> declaredParameters, SafetensorsFile weights, string where) where T : NetworkModule
    {
        long stored = weights.Tensors.Sum(t => t.ElementCount);
        if (CountOrNull(declaredParameters) is double declared && declared != stored)
            throw new InvalidDataException($"{where} describes a network of {declared:N0} parameters, but its weights hold {stored:N0} values.");
        TorchRuntime.EnsureLoaded();
        try
        {
            return build();
        }
        catch (Exception ex) when (ex is ArgumentException or System.Runtime.InteropServices.ExternalException)
        {
            throw new InvalidDataException($"{where} describes a network that cannot be built: {ErrorText.FirstLine(ex)}", ex);
        }
    }

    // A description that does not fit its shape has no count; building it then says why.
    private static double? CountOrNull(Func<double?> count)
    {
        try
        {
            return count();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string The(SafetensorsFile file) => file.Source is { } source ? $"{source}: the" : "The";

    private static void CheckMetadata(FullyConnectedNetwork network, IReadOnlyDictionary<string, string> metadata, string the)
    {
        if (!metadata.TryGetValue("format", out var format)) return;
        if (format != FormatName) throw new InvalidDataException($"{the} weights file's format is '{ErrorText.Excerpt(format)}', not '{FormatName}'.");
        if (metadata.TryGetValue("format_version", out var version))
        {
            if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1)
                throw new InvalidDataException($"{the} weights file's metadata 'format_version' must be a whole number from 1, got '{ErrorText.Excerpt(version)}'.");
            if (v > FormatVersion)
                throw new InvalidDataException($"{the} weights file has format version {v}; this library reads up to {FormatVersion}.");
        }
        if (metadata.TryGetValue("activation", out var act) && ParseActivation(act, the) != network.Activation)
            throw new InvalidDataException($"{the} weights file was written for activation '{ErrorText.Excerpt(act)}', the network uses {network.Activation}.");
        if (metadata.TryGetValue("parameterization", out var p) && ParseParameterization(p, the) != network.Options.Parameterization)
            throw new InvalidDataException($"{the} weights file was written for parameterisation '{ErrorText.Excerpt(p)}', the network uses {network.Options.Parameterization}.");
    }

    // Exactly what Export writes: any other spelling ("True", "yes") read as false would load folded weights as raw ones.
    private static bool ParseFlag(string key, string text, string the) => text switch
    {
        "true" => true, "false" => false,
        _ => throw new InvalidDataException($"{the} weights file's metadata '{key}' must be true or false, got '{ErrorText.Excerpt(text)}'."),
    };

    private static ActivationKind ParseActivation(string text, string the) => text switch
    {
        "relu" => ActivationKind.Relu, "tanh" => ActivationKind.Tanh, "gelu" => ActivationKind.Gelu, "identity" => ActivationKind.Identity,
        _ => throw new InvalidDataException($"{the} weights file names an unknown activation '{ErrorText.Excerpt(text)}'."),
    };

    private static Parameterization ParseParameterization(string text, string the) => text switch
    {
        "standard" => Parameterization.Standard, "ntk" => Parameterization.Ntk, "mean_field" => Parameterization.MeanField,
        _ => throw new InvalidDataException($"{the} weights file names an unknown parameterisation '{ErrorText.Excerpt(text)}'."),
    };
}
