using Catapults.ML.Models;

namespace Catapults.ML.Serialization;

/// <summary>
/// The weights of any <see cref="NetworkModule"/> (fully connected, CNN, Wide ResNet, ViT) as safetensors: one float32
/// tensor per trainable parameter, named as <see cref="NetworkModule.TrainableParameters"/> names it (for example
/// <c>layers.0.weight</c> [width, d] and <c>layers.0.bias</c> [width] of <c>fcn-2</c>), stored unscaled: a
/// parameterisation's scale such as 1/√fan_in is applied in the forward pass, not folded into the stored values.
/// The metadata holds <c>model</c> (the module's <see cref="NetworkModule.Describe"/>) and any caller entries.
/// An export format that folds scales in (a plain PyTorch layer stack) passes a per-tensor <c>scale</c>: stored values
/// are the parameter times scale(name), and loading divides by it.
/// </summary>
public static class ModelWeights
{
    /// <summary>The weights of <paramref name="model"/>, with <paramref name="metadata"/> added to the file's metadata.</summary>
    public static SafetensorsFile ToSafetensors(NetworkModule model, IReadOnlyDictionary<string, string>? metadata = null,
        Func<string, double>? scale = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = model.TrainableParameters()
            .Select(p => SafetensorsTensor.FromSingles(p.Name, p.Parameter.shape, ToSingles(p.Parameter, scale?.Invoke(p.Name) ?? 1.0)))
            .ToList();
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { ["model"] = model.Describe() };
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
    /// <exception cref="InvalidDataException">A tensor is missing, has another shape, or the file holds tensors the model lacks; the message names <see cref="SafetensorsFile.Source"/> when the file has one.</exception>
    public static void Load(NetworkModule model, SafetensorsFile file, Func<string, double>? scale = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        var parameters = model.TrainableParameters();
        var names = parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        string named = file.Source is { } s ? $"{s}: " : "";
        var extra = file.Tensors.Select(t => t.Name).FirstOrDefault(n => !names.Contains(n));
        if (extra is not null)
            throw new InvalidDataException($"{named}the weights file holds tensor '{extra}', which {model.Describe()} does not have.");
        var values = new List<float[]>();
        var divisors = parameters.Select(p => scale?.Invoke(p.Name) ?? 1.0).ToList();
        foreach (var (name, parameter) in parameters)
        {
            var stored = file.Find(name) ?? throw new InvalidDataException($"{named}the weights file has no tensor '{name}', which {model.Describe()} needs.");
            if (!stored.Shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException(
                    $"{named}tensor '{name}' has shape [{string.Join(", ", stored.Shape)}], {model.Describe()} needs [{string.Join(", ", parameter.shape)}].");
            values.Add(stored.ToSingles());
        }
        // Checked in full before any parameter changes, so a bad file leaves the model as it was.
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        for (int i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i].Parameter;
            var source = torch.tensor(values[i], parameter.shape);
            if (divisors[i] != 1.0) source = source / divisors[i];
            parameter.copy_(source.to(parameter.device));
        }
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
        if (factor != 1.0) t = t * factor;
        return t.contiguous().data<float>().ToArray();
    }
}
