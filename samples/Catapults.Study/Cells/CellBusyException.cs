namespace Catapults.Study.Cells;

/// <summary>Another process holds a cell's lock (<see cref="CellLock"/>): it is running that cell now, so this one must not.</summary>
public sealed class CellBusyException(string message) : Exception(message)
{
    /// <summary>
    /// The exit code of run-cell on a cell that another process runs: 75, EX_TEMPFAIL of sysexits.h (a temporary
    /// failure; the cell itself has not failed, and its record is left as the other process writes it).
    /// </summary>
    public const int ExitCode = 75;
}
