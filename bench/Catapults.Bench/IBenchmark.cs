namespace Catapults.Bench;

/// <summary>
/// One benchmark program. Implementations are discovered by reflection, so adding a benchmark means adding a class.
/// Each prints a table of figures (not pass/fail) and a line naming the machine.
/// </summary>
public interface IBenchmark
{
    /// <summary>Sub-command name, e.g. "training-step".</summary>
    string Name { get; }

    /// <summary>One line: what is measured.</summary>
    string Description { get; }

    /// <summary>
    /// The names <c>--only</c> accepts, which the program checks before running: a name that matches no case would
    /// otherwise print an empty table and exit 0. Null where the benchmark checks its own (patterned) names.
    /// </summary>
    IReadOnlyCollection<string>? Cases => null;

    /// <summary>Runs the benchmark; <paramref name="quick"/> shrinks it to a smoke run. Returns an exit code.</summary>
    int Run(bool quick, string? only);
}
