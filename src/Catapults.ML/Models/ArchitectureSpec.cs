using System.Globalization;

namespace Catapults.ML.Models;

/// <summary>
/// An architecture named the way the study CLI and reports name it: <c>fcn</c> or <c>fcn-D</c> (D linear layers,
/// default 2), <c>cnn</c> or <c>cnn-D</c> (D − 1 convolutions and a readout, default 5), <c>wrn</c> or <c>wrn-D-K</c>
/// (WRN-D-K, default WRN-16-4), <c>vit</c> or <c>vit-D</c> (D transformer blocks, default 4). Names are
/// case-insensitive.
/// </summary>
/// <param name="Kind">The family.</param>
/// <param name="Depth">The depth in the family's sense above; null for the family's default.</param>
/// <param name="WidenFactor">The widening factor k of a Wide ResNet; null for the default (4). Only for <see cref="ArchitectureKind.WideResNet"/>.</param>
public sealed record ArchitectureSpec(ArchitectureKind Kind, int? Depth = null, int? WidenFactor = null)
{
    /// <summary>
    /// The largest depth or widening factor a name may give: 1,000, far beyond the architectures studied here (the
    /// deepest default is WRN-16), and small enough that a mistyped number is refused by name instead of building
    /// millions of layers until memory runs out.
    /// </summary>
    public const int MaximumNumber = 1000;

    /// <summary>Names <see cref="Parse"/> accepts, one per form.</summary>
    public static IReadOnlyList<string> Examples { get; } = new[] { "fcn", "fcn-3", "cnn", "cnn-5", "wrn", "wrn-16-4", "vit", "vit-4" };

    /// <summary>Parses a name such as <c>wrn-16-4</c>; throws <see cref="ArgumentException"/> listing the accepted forms.</summary>
    public static ArchitectureSpec Parse(string name)
    {
        if (TryParse(name, out var spec, out var error)) return spec!;
        throw new ArgumentException(error, nameof(name));
    }

    /// <summary>Parses a name such as <c>vit-4</c>; on failure returns false and a message saying what was expected.</summary>
    public static bool TryParse(string? name, out ArchitectureSpec? spec, out string? error)
    {
        spec = null;
        error = null;
        string expected = $"expected one of the forms {string.Join(", ", Examples)}";
        if (string.IsNullOrWhiteSpace(name))
        {
            error = $"The architecture name is empty; {expected}.";
            return false;
        }
        var parts = name.Trim().ToLowerInvariant().Split('-');
        ArchitectureKind? kind = parts[0] switch
        {
            "fcn" or "mlp" => ArchitectureKind.FullyConnected,
            "cnn" => ArchitectureKind.Convolutional,
            "wrn" => ArchitectureKind.WideResNet,
            "vit" => ArchitectureKind.VisionTransformer,
            _ => null,
        };
        if (kind is null)
        {
            error = $"Unknown architecture '{name}'; {expected}.";
            return false;
        }
        int maxParts = kind == ArchitectureKind.WideResNet ? 3 : 2;
        var numbers = new List<int>();
        foreach (var part in parts.Skip(1))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1 || value > MaximumNumber)
            {
                error = $"'{part}' in architecture '{name}' is not an integer in 1..{MaximumNumber}; {expected}.";
                return false;
            }
            numbers.Add(value);
        }
        if (parts.Length > maxParts || (kind == ArchitectureKind.WideResNet && parts.Length == 2))
        {
            error = $"Architecture '{name}' has the wrong number of parts; {expected}.";
            return false;
        }
        spec = new ArchitectureSpec(kind.Value, numbers.Count > 0 ? numbers[0] : null, numbers.Count > 1 ? numbers[1] : null);
        return true;
    }

    /// <summary>The canonical name, with the defaults filled in (e.g. <c>wrn-16-4</c>).</summary>
    public override string ToString() => Kind switch
    {
        ArchitectureKind.FullyConnected => $"fcn-{Depth ?? ModelFactory.DefaultFullyConnectedDepth}",
        ArchitectureKind.Convolutional => $"cnn-{Depth ?? ModelFactory.DefaultConvolutionalDepth}",
        ArchitectureKind.WideResNet => $"wrn-{Depth ?? ModelFactory.DefaultWideResNet.Depth}-{WidenFactor ?? ModelFactory.DefaultWideResNet.WidenFactor}",
        _ => $"vit-{Depth ?? ModelFactory.DefaultVisionTransformer.Depth}",
    };
}
