using System.CommandLine.Parsing;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Makes every numeric option of a command tree parse with the invariant culture and no group separators.
/// System.CommandLine parses numbers with the current culture and accepts thousands separators, so
/// <c>--learning-rate 1,5</c> became 15 (and would become 1.5 under a German culture): a number on the command line
/// must mean the same everywhere.
/// </summary>
public static class InvariantNumbers
{
    /// <summary>Installs the parsers on <paramref name="command"/>'s options and those of all its sub-commands.</summary>
    public static void Apply(Command command)
    {
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<double?> real:
                    // No option of the study takes an infinite or NaN value; refusing them here covers every option at once.
                    real.CustomParser = result => Parse(result, real.Name, out double v, (string s, out double x) =>
                        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out x) && double.IsFinite(x)) ? v : null;
                    break;
                case Option<int?> integer:
                    integer.CustomParser = result => Parse(result, integer.Name, out int v, (string s, out int x) =>
                        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out x)) ? v : null;
                    break;
                case Option<long?> wide:
                    wide.CustomParser = result => Parse(result, wide.Name, out long v, (string s, out long x) =>
                        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out x)) ? v : null;
                    break;
            }
        }
        foreach (var sub in command.Subcommands) Apply(sub);
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static bool Parse<T>(ArgumentResult result, string name, out T value, TryParse<T> parse)
    {
        value = default!;
        if (result.Tokens.Count != 1)
        {
            result.AddError($"{name} takes one value.");
            return false;
        }
        string text = result.Tokens[0].Value;
        if (parse(text.Trim(), out value)) return true;
        string kind = typeof(T) == typeof(double) ? "a finite number (like 0.5 or 1e-3)" : "an integer in range";
        string hint = text.Contains(',') ? "; no thousands separators, and '.' marks decimals" : "";
        result.AddError($"{name}: '{text}' is not {kind}{hint}.");
        return false;
    }
}
