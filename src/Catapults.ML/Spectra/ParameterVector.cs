using Catapults.ML.Models;
using Parameter = TorchSharp.Modules.Parameter;

namespace Catapults.ML.Spectra;

/// <summary>Flat parameter-space vectors: the concatenation of all trainable parameters, in <see cref="NetworkModule.TrainableParameters"/> order.</summary>
public static class ParameterVector
{
    /// <summary>The trainable parameters of <paramref name="model"/>, in order.</summary>
    public static IReadOnlyList<Parameter> ParametersOf(NetworkModule model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var list = model.TrainableParameters().Select(p => p.Parameter).ToList();
        if (list.Count == 0) throw new ArgumentException($"{model.GetType().Name} has no trainable parameters.", nameof(model));
        return list;
    }

    /// <summary>Concatenates per-parameter tensors into one flat vector [P] (a new tensor in the caller's scope).</summary>
    public static Tensor Flatten(IReadOnlyList<Tensor> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("Nothing to flatten.", nameof(parts));
        using var scope = torch.NewDisposeScope();
        return torch.cat(parts.Select(p => p.reshape(-1)).ToArray(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>Splits a flat vector [P] into views shaped like <paramref name="like"/> (the model's parameters).</summary>
    public static IReadOnlyList<Tensor> Split(Tensor flat, IReadOnlyList<Tensor> like)
    {
        ArgumentNullException.ThrowIfNull(flat);
        ArgumentNullException.ThrowIfNull(like);
        long total = like.Sum(p => p.numel());
        if (flat.dim() != 1 || flat.shape[0] != total)
            throw new ArgumentException($"A parameter-space vector must be [{total}], got [{string.Join(", ", flat.shape)}].", nameof(flat));
        var parts = new List<Tensor>(like.Count);
        long offset = 0;
        foreach (var p in like)
        {
            long count = p.numel();
            parts.Add(flat.narrow(0, offset, count).view(p.shape));
            offset += count;
        }
        return parts;
    }

    /// <summary>Total number of trainable scalars P.</summary>
    public static long Count(NetworkModule model) => ParametersOf(model).Sum(p => p.numel());
}
