using Catapults.ML.Runtime;

namespace Catapults.Study.Infrastructure;

/// <summary>An invalid option or missing input; the CLI prints its message on one line and exits with code 2.</summary>
public sealed class ConfigurationException(string message) : Exception(message)
{
    /// <summary>The exit code of a configuration error.</summary>
    public const int ExitCode = 2;

    /// <summary>
    /// The configuration error that <paramref name="cause"/> stands for: its message on one line, after
    /// <paramref name="prefix"/> (e.g. the option at fault) when given, without the " (Parameter 'name')" that
    /// <see cref="ArgumentException"/> appends, which names a C# parameter the user never sees.
    /// </summary>
    public static ConfigurationException From(Exception cause, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(cause);
        string message = ErrorText.MessageOf(cause).ReplaceLineEndings(" ");
        return new ConfigurationException(prefix is null ? message : $"{prefix}: {message}");
    }

    /// <summary>Throws a configuration error when <paramref name="bytes"/> exceed <see cref="MemoryBudget.AvailableBytes"/> (see <see cref="MemoryBudget.Shortfall(double, string)"/>).</summary>
    /// <param name="bytes">The estimate.</param>
    /// <param name="what">What needs it, naming the options (e.g. "--width 100000 (fcn-2 on d = 100)").</param>
    public static void RequireMemory(double bytes, string what)
    {
        if (MemoryBudget.Shortfall(bytes, what) is { } message) throw new ConfigurationException(message);
    }
}
