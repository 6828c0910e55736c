using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Trainer options as JSON, by System.Text.Json on the options object: the columns, the runtime settings, the
/// diagnostics and the embedded <c>Network</c> and <c>Training</c> records in their own JSON form (schedules with their
/// <c>kind</c>, enums by name). Observers and the training's runtime hooks are not saved.
/// </summary>
internal static class OptionsJson
{
    // A schedule's kind is found wherever it stands in its object, as a hand edit may put it. A field the options do not
    // have is a damaged or edited name: skipped, its setting would silently take its default (another activation).
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new StrictEnumConverter() },
        AllowOutOfOrderMetadataProperties = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static JsonNode Write(TorchNetworkTrainerOptions options) => JsonSerializer.SerializeToNode(options, options.GetType(), Json)!;

    /// <exception cref="InvalidDataException">The JSON is not trainer options of type <typeparamref name="T"/>, or they are invalid.</exception>
    public static T Read<T>(JsonNode json, string name) where T : TorchNetworkTrainerOptions
    {
        T options;
        try
        {
            options = json.Deserialize<T>(Json) ?? throw new InvalidDataException($"{name}: the trainer options are empty.");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{name}: the trainer options cannot be read ({ex.Message}).", ex);
        }
        // A saved model's options meet the rules a trainer's do, so an edited file fails here and not inside the network.
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{name}: the saved trainer options are invalid: {ex.Message}", ex);
        }
        return options;
    }
}
