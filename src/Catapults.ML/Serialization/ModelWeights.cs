using System.Globalization;
using Catapults.ML.Models;
using Catapults.ML.Runtime;

namespace Catapults.ML.Serialization;

/// <summary>
/// The weights of any <see cref="NetworkModule"/> (fully connected, CNN, Wide ResNet, ViT) as safetensors: one float32
/// tensor per trainable parameter, named as <see cref="NetworkModule.TrainableParameters"/> names it (for example
/// <c>layers.0.weight</c> [width, d] and <c>layers.0.bias</c> [width] of <c>fcn-2</c>), stored unscaled: a
/// parameterisation's scale such as 1/√fan_in is applied in the forward pass, not folded into the stored values.
/// A <see cref="CenteredNetwork"/> also stores its frozen initial copy (tensors <c>initial.…</c>, which are not
/// trainable): its output f_w − f_{w₀} depends on both, so without the copy a loaded model would compute another function.
/// The metadata holds <c>model</c> (the module's <see cref="NetworkModule.Describe"/>), <c>model_description_version</c>
/// (<see cref="DescriptionVersion"/>) and any caller entries. Loading refuses a file whose <c>model</c> differs from the
/// receiving model's description when the file's version is this library's: weights of a ReLU network would otherwise
/// load into a tanh or centred network of the same shapes and compute another function. Files without the version
/// (written before it existed, or by other tools) and files of another version are loaded on their shapes alone, so a
/// later change to the descriptions' wording refuses no older file. Loading with a <c>scale</c> (another layout) does not
/// compare descriptions.
/// An export format that folds scales in (a plain PyTorch layer stack) passes a per-tensor <c>scale</c>: stored values
/// are the parameter times scale(name), and loading divides by it.
/// </summary>
public static class ModelWeights
{
    /// <summary>The metadata key holding the saved model's <see cref="NetworkModule.Describe"/>.</summary>
    public const string DescriptionKey = "model";

    /// <summary>The metadata key holding the version of the descriptions' wording in <see cref="DescriptionKey"/>.</summary>
    public const string DescriptionVersionKey = "model_description_version";

    /// <summary>The wording of <see cref="NetworkModule.Describe"/> this library writes and compares; raised when that wording changes.</summary>
    public const int DescriptionVersion = 1;

    /// <summary>The weights of <paramref name="model"/>, with <paramref name="metadata"/> added to the file's metadata.</summary>
    public static SafetensorsFile ToSafetensors(NetworkModule model, IReadOnlyDictionary<string, string>? metadata = null,
        Func<string, double>? scale = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = model.StoredParameters()
            .Select(p => SafetensorsTensor.FromSingles(p.Name, p.Parameter.shape, ToSingles(p.Parameter, CheckedScale(scale, p.Name))))
            .ToList();
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) 
        {
            [DescriptionKey] = model.Describe(),
            [DescriptionVersionKey] = DescriptionVersion.ToString(CultureInfo.InvariantCulture),
        };
        return new SafetensorsFile(tensors, meta);
    }

    /// <summary>Writes the weights of <paramref name="model"/> to <paramref name="stream"/>.</summary>
    public static void Save(NetworkModule model, Stream stream, IReadOnlyDictionary<string, string>? metadata = null) =>
        ToSafetensors(model, metadata).Write(stream);

    /// <summary>Writes the weights of <paramref name="model"/> to the file <paramref name="path"/>.</summary>
    public static void Save(NetworkModule model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        ToSafetensors(model, metadata).Write(path);

    /// <summary>
    /// Copies the tensors of <paramref name="file"/> into <paramref name="model"/>'s parameters, on their device. Every
    /// parameter must be present with its shape and no other tensor may be: a file of another architecture is an error
    /// naming the first tensor that does not fit, not a partial load.
    /// </summary>
    /// <exception cref="InvalidDataException">The file was saved from a model of another description (see the class remarks), a tensor is missing, has another shape, is not floating point, holds a value that is not finite as float32, or the file holds tensors the model lacks; the message names <see cref="SafetensorsFile.Source"/> when the file has one.</exception>
    /// <exception cref="ArgumentException"><paramref name="scale"/> returns 0 or a non-finite value for a tensor.</exception>
    public static void Load(NetworkModule model, SafetensorsFile file, Func<string, double>? scale = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        var parameters = model.StoredParameters();
        var names = parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        string named = file.Source is { } s ? $"{s}: " : "";
        var extra = file.Tensors.Select(t => t.Name).FirstOrDefault(n => !names.Contains(n));
        if (extra is not null)
            throw new InvalidDataException($"{named}the weights file holds tensor '{ErrorText.Excerpt(extra)}', which {model.Describe()} does not have.");
        var values = new List<float[]>();
        var divisors = parameters.Select(p => CheckedScale(scale, p.Name)).ToList();
        foreach (var (name, parameter) in parameters)
        {
            var stored = file.Find(name) ?? throw new InvalidDataException($"{named}the weights file has no tensor '{name}', which {model.Describe()} needs.");
            if (!stored.Shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException(
                    $"{named}tensor '{name}' has shape [{string.Join(", ", stored.Shape)}], {model.Describe()} needs [{string.Join(", ", parameter.shape)}].");
            // Integer and boolean tensors are no weights (a mask or a counter saved under a weight's name) and
            // would otherwise load as the numbers 0, 1, 2, …
            if (stored.DataType is not (SafetensorsDataType.F32 or SafetensorsDataType.F64 or SafetensorsDataType.F16 or SafetensorsDataType.BF16))
                throw new InvalidDataException($"{named}tensor '{name}' is {stored.DataType}; weights must be floating point (F32, F64, F16 or BF16).");
            var singles = stored.ToSingles();
            // NaN or ∞ stored, or an F64 value beyond float32's range (±3.4e38, which converts to ∞), would load as a
            // model whose every output is NaN.
            for (int k = 0; k < singles.Length; k++)
                if (!float.IsFinite(singles[k]))
                    throw new InvalidDataException(
                        $"{named}tensor '{name}' value {k} is {(stored.DataType == SafetensorsDataType.F64 ? stored.ToDoubles()[k] : singles[k]):G6}, not a finite float32 weight.");
            values.Add(singles);
        }
        // After the shapes, whose message names the tensor: the description catches what fits in shape but not in function.
        // A scale converts another layout (scales folded in), whose caller checks what that layout needs: folded weights
        // load into a network of another output multiplier and compute the same function.
        if (scale is null && file.Metadata.TryGetValue(DescriptionVersionKey, out var version) && version == DescriptionVersion.ToString(CultureInfo.InvariantCulture)
            && file.Metadata.TryGetValue(DescriptionKey, out var saved) && saved != model.Describe())
            throw new InvalidDataException($"{named}the weights were saved from {ErrorText.Excerpt(saved, 300)}; this model is {model.Describe()}.");
        // Checked in full before any parameter changes, so a bad file leaves the model as it was.
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var sources = new Tensor[parameters.Count];
        for (int i = 0; i < parameters.Count; i++)
        {
            var source = torch.tensor(values[i], parameters[i].Parameter.shape);
            if (divisors[i] != 1.0)
            {
                source = KeptScalars.DividedBy(source, divisors[i]);
                // A tiny scale overflows a finite stored value to ∞.
                if (!source.isfinite().all().ReadBoolean())
                    throw new InvalidDataException($"{named}tensor '{parameters[i].Name}' divided by scale('{parameters[i].Name}') = {divisors[i]:G6} is not finite in float32.");
            }
            sources[i] = source;
        }
        for (int i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i].Parameter;
            parameter.copy_(sources[i].to(parameter.device));
        }
    }

    // A scale of 0 or NaN would store or load every value as NaN or ∞.
    private static double CheckedScale(Func<string, double>? scale, string name)
    {
        if (scale is null) return 1.0;
        double value = scale(name);
        if (!double.IsFinite(value) || value == 0)
            throw new ArgumentException($"scale('{name}') must be finite and non-zero, got {value:G6}.", nameof(scale));
        return value;
    }

    /// <summary>Loads the weights file at <paramref name="path"/> into <paramref name="model"/> (see <see cref="Load(NetworkModule, SafetensorsFile, Func{string, double})"/>).</summary>
    public static void Load(NetworkModule model, string path) => Load(model, SafetensorsFile.Read(path));

    /// <summary>Loads safetensors from <paramref name="stream"/> into <paramref name="model"/>.</summary>
    public static void Load(NetworkModule model, Stream stream) => Load(model, SafetensorsFile.Read(stream));

    /// <summary>A tensor's values times <paramref name="factor"/> as a row-major float32 array (copied to the CPU).</summary>
    public static float[] ToSingles(Tensor tensor, double factor = 1.0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = torch.NewDisposeScope();
        var t = tensor.detach().to(ScalarType.Float32).cpu();
        if (factor != 1.0) t = KeptScalars.Times(t, factor);
        return t.contiguous().data<float>().ToArray();
    }
}
