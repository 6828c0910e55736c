using System.Text.Json.Nodes;

namespace Catapults.ML.Probes;

/// <summary>
/// What a probe carries from one step to the next, for a checkpoint: its records and any other values as JSON, and
/// its warm-start vectors (float64, kept exactly: a cold restart of an iterative eigensolver changes the last digits
/// of every later eigenvalue). A run resumed with this state records the same values as an uninterrupted run.
/// </summary>
/// <remarks>The tensors are copies owned by the state; dispose it when done.</remarks>
public sealed class ProbeState : IDisposable
{
    /// <summary>Creates a state; the tensors are copied.</summary>
    public ProbeState(string name, JsonObject data, IReadOnlyDictionary<string, Tensor>? warmStarts = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(data);
        Name = name;
        Data = data;
        WarmStarts = (warmStarts ?? new Dictionary<string, Tensor>())
            .ToDictionary(p => p.Key, p => Own(p.Value), StringComparer.Ordinal);
    }

    /// <summary>The probe's name, unique among the probes of a run (it names the probe's files in a checkpoint).</summary>
    public string Name { get; }

    /// <summary>The records (under <c>records</c>) and the probe's other values.</summary>
    public JsonObject Data { get; }

    /// <summary>The warm-start vectors by name, float64.</summary>
    public IReadOnlyDictionary<string, Tensor> WarmStarts { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in WarmStarts.Values) tensor.Dispose();
    }

    /// <summary>A float64 copy of <paramref name="tensor"/> that no dispose scope will release.</summary>
    internal static Tensor Own(Tensor tensor)
    {
        // Its own scope: called outside any (a capture between steps), the intermediate handles would outlive the call.
        using var scope = torch.NewDisposeScope();
        return tensor.detach().to(ScalarType.Float64).clone().DetachFromDisposeScope();
    }
}
