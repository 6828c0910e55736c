namespace Catapults.Study.Infrastructure;

/// <summary>An invalid option or missing input; the CLI prints its message on one line and exits with code 2.</summary>
public sealed class ConfigurationException(string message) : Exception(message)
{
    /// <summary>The exit code of a configuration error.</summary>
    public const int ExitCode = 2;
}
