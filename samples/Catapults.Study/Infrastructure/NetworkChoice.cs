namespace Catapults.Study.Infrastructure;

/// <summary>The network an experiment trains, as chosen on the command line.</summary>
/// <param name="Architecture">ModelFactory name (fcn-2, cnn-5, wrn-16-4, vit-4).</param>
/// <param name="Width">Width; null: the architecture's default.</param>
/// <param name="UseBias">Whether the layers have biases; null: the architecture's default.</param>
public sealed record NetworkChoice(string Architecture, int? Width, bool? UseBias)
{
    /// <summary>A short description for reports, e.g. "fcn-2 (width 1024, no biases)".</summary>
    public string Describe() =>
        $"{Architecture} (width {Width?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"}{(UseBias == false ? ", no biases" : "")})";
}
