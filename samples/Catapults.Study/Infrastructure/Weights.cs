using Catapults.ML.Models;
using Catapults.ML.Serialization;
using static TorchSharp.torch;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Network weights as safetensors: one float32 tensor per trainable parameter, named as
/// <see cref="NetworkModule.TrainableParameters"/> names it (e.g. <c>layers.0.weight</c> [width, d], <c>layers.0.bias</c>
/// [width], <c>layers.1.weight</c> [1, width] and <c>layers.1.bias</c> [1] for fcn-2, stored unscaled: the NTK scale 1/√fan_in is applied in the forward pass).
/// </summary>
public static class Weights
{
    /// <summary>The weights of <paramref name="model"/>, with the description in the metadata.</summary>
    public static SafetensorsFile ToSafetensors(NetworkModule model, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = model.TrainableParameters()
            .Select(p => SafetensorsTensor.FromSingles(p.Name, p.Parameter.shape, ToSingles(p.Parameter)))
            .ToList();
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { ["model"] = model.Describe() };
        return new SafetensorsFile(tensors, meta);
    }

    /// <summary>Copies the tensors of <paramref name="file"/> into <paramref name="model"/>'s parameters (names and shapes must match).</summary>
    public static void Load(NetworkModule model, SafetensorsFile file)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in model.TrainableParameters())
        {
            var stored = file.Find(name) ?? throw new InvalidDataException($"There is no tensor '{name}', which the model needs.");
            if (!stored.Shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException($"Tensor '{name}' has shape [{string.Join(", ", stored.Shape)}], the model expects [{string.Join(", ", parameter.shape)}].");
            using var values = torch.tensor(stored.ToSingles(), parameter.shape);
            parameter.copy_(values);
        }
    }

    /// <summary>A float32 tensor as a row-major array.</summary>
    public static float[] ToSingles(Tensor tensor)
    {
        using var cpu = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        return cpu.data<float>().ToArray();
    }
}
