using System.Globalization;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Cells;

/// <summary>
/// A cell of a run folder that this process works in, held by an exclusive lock on <c>DIR/locks/&lt;label&gt;.lock</c>
/// so that no other process runs, empties or rewrites it meanwhile. Beside the lock, <c>&lt;label&gt;.owner</c> says
/// who holds it (process, host, Slurm job, since when), for the message another process gets.
/// </summary>
/// <remarks>
/// A scheduler may start one cell twice: a Slurm array index resubmitted while its first task still runs, a Kubernetes
/// index whose pod is replaced while the old one lives on, or the local command started twice on one folder. Both copies
/// then wrote one checkpoint, and one failed halfway, on the other's half-renamed checkpoint folder, recording the cell
/// as failed even when the other finished it. The lock is an advisory <c>flock</c> (what .NET takes for
/// <see cref="FileShare.None"/> on Unix), which the kernel drops when its process ends, however it ends: a killed task
/// leaves nothing to clean up. The locks live outside the cells' folders because a cell's folder is emptied, and a lock
/// on a deleted file guards nothing. Lock files are never deleted, for the same reason. A process holds one lock at a
/// time: one open file per cell of a 10,000-cell plan would pass the open-file limit of many machines.
/// </remarks>
public sealed class CellLock : IDisposable
{
    /// <summary>The folder of the run folder that holds the locks.</summary>
    public const string FolderName = "locks";

    /// <summary>The ending of a lock file.</summary>
    public const string LockEnding = ".lock";

    private const string OwnerEnding = ".owner";

    private FileStream? _stream;
    private string? _ownerPath;

    private CellLock()
    {
    }

    /// <summary>The lock file of <paramref name="cell"/> in the run folder <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, PlannedCell cell) => Path.Combine(directory, FolderName, cell.Label + LockEnding);

    /// <summary>Takes the lock of <paramref name="cell"/>.</summary>
    /// <exception cref="CellBusyException">Another process holds it; the message says which.</exception>
    /// <exception cref="ConfigurationException">The lock file cannot be made (a read-only or full file system, no permission).</exception>
    public static CellLock Take(string directory, PlannedCell cell)
    {
        var held = new CellLock();
        if (!held.TryTake(PathOf(directory, cell), describe: true, out string holder))
            throw new CellBusyException($"cell {cell.Index} ({cell.Label}) is being run by {holder}");
        return held;
    }

    /// <summary>
    /// Checks, one lock at a time, that no other process holds the lock of a cell of <paramref name="plan"/> or of any
    /// other cell whose lock is in the folder (a previous plan's, whose folders a new plan may replace).
    /// </summary>
    /// <exception cref="CellBusyException">Another process holds one of them; the message names the cell and the holder.</exception>
    /// <exception cref="ConfigurationException">A lock file cannot be made.</exception>
    public static void RequireFree(string directory, CellPlan plan)
    {
        var paths = plan.Cells.Select(c => Path.GetFullPath(PathOf(directory, c))).ToList();
        string folder = Path.Combine(directory, FolderName);
        if (Directory.Exists(folder))
            paths.AddRange(Directory.EnumerateFiles(folder, "*" + LockEnding).Select(Path.GetFullPath).Except(paths).Order(StringComparer.Ordinal));
        foreach (string path in paths)
        {
            using var probe = new CellLock();
            if (probe.TryTake(path, describe: false, out string holder)) continue;
            var cell = plan.Cells.FirstOrDefault(c => Path.GetFullPath(PathOf(directory, c)) == path);
            string what = cell is null ? $"a cell of an earlier plan ({path})" : $"cell {cell.Index} ({cell.Label})";
            throw new CellBusyException($"{what} is being run by {holder}");
        }
    }

    /// <summary>
    /// Who took the lock of <paramref name="cell"/> and has not released it (its <c>.owner</c> description), or null. Reads
    /// the description only and never the lock, so it cannot make a task that starts at that moment find the cell busy; a
    /// process that was killed leaves its description behind, so the holder may also have ended.
    /// </summary>
    public static string? TakenBy(string directory, PlannedCell cell)
    {
        string owner = OwnerPathOf(PathOf(directory, cell));
        // Most missing cells were never taken: File.Exists spares them the exception a failed read costs.
        return File.Exists(owner) ? ReadOwner(owner) : null;
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose()
    {
        // The description goes first, so that it never names a holder that has let go.
        if (_ownerPath is not null) TryDelete(_ownerPath);
        _stream?.Dispose();
        _stream = null;
        _ownerPath = null;
    }

    private bool TryTake(string path, bool describe, out string holder)
    {
        string owner = OwnerPathOf(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // The lock is a plain file this class creates; a link in its place (copied in, or left by hand) would make
            // the lock create or lock the file it points to, so the link itself is removed.
            if (new FileInfo(path).LinkTarget is not null) File.Delete(path);
            _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (HeldElsewhere(ex))
        {
            holder = ReadOwner(owner) ?? "another process";
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only or full file system, a path through a file: the run folder cannot hold the cell, and nothing
            // ran, so this is not the cell's failure.
            throw ConfigurationException.From(ex, $"cannot take the lock {path}");
        }
        holder = "";
        if (!describe) return true;
        _ownerPath = owner;
        // Written beside and renamed into place, without a flush: the description is only ever shown, and a plan of
        // thousands of cells should not pay a flush to disk per cell for it; but a reader must never find it created
        // and still empty (a second task then named its holder "another process").
        string written = owner + ".tmp";
        try
        {
            // An earlier holder's description goes first, so that a write that fails (a full disk) leaves none rather
            // than a dead process named as the holder. Renamed over, not written through: a link left at either name
            // must not carry the description onto another file.
            File.Delete(owner);
            File.Delete(written);
            using (var file = new FileStream(written, FileMode.CreateNew, FileAccess.Write))
                file.Write(System.Text.Encoding.UTF8.GetBytes(Describe(Environment.GetEnvironmentVariable) + "\n"));
            File.Move(written, owner, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The lock holds without it (a full disk, say); another process's message then says "another process".
            TryDelete(written);
        }
        return true;
    }

    // .NET reports a lock held by another open file as an IOException whose HResult is the raw error: EWOULDBLOCK from
    // flock on Linux (11) and macOS (35), a sharing or lock violation on Windows. Every other failure is the file system's.
    private static bool HeldElsewhere(IOException ex) =>
        ex.GetType() == typeof(IOException) && ex.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    // The description beside a lock file: <label>.owner for <label>.lock.
    private static string OwnerPathOf(string lockPath) => Path.ChangeExtension(lockPath, OwnerEnding);

    // The holder's description, or null when there is none to read.
    private static string? ReadOwner(string owner)
    {
        try
        {
            // Shown on the terminal: a control character (a newline, an escape sequence) written into the file must not
            // act there, nor more than a line of it; nor may a format character (a right-to-left override) reorder
            // the line around it, or a line separator break it. By rune, so that one outside the BMP is caught too.
            string text = string.Concat(File.ReadAllText(owner).Trim().EnumerateRunes().Select(r => Invisible(r) ? " " : r.ToString()));
            if (text.Length > 200) text = text[..200] + "…";
            if (text.Length > 0) return text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not written yet (the holder has just taken the lock) or already removed (it is letting go).
        }
        return null;
    }

    private static bool Invisible(System.Text.Rune r) =>
        System.Text.Rune.IsControl(r) || System.Text.Rune.GetUnicodeCategory(r) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>
    /// This process as another process's message names it: "process 4242 on node17 (Slurm job 812_3), since
    /// 2026-12-04 16:05:03Z", from the environment <paramref name="variable"/> reads.
    /// </summary>
    internal static string Describe(Func<string, string?> variable)
    {
        string? array = variable("SLURM_ARRAY_JOB_ID"), task = variable("SLURM_ARRAY_TASK_ID"), job = variable("SLURM_JOB_ID");
        string slurm = array is { Length: > 0 } && task is { Length: > 0 } ? $" (Slurm job {array}_{task})"
            : job is { Length: > 0 } ? $" (Slurm job {job})"
            : "";
        return string.Create(CultureInfo.InvariantCulture, $"process {Environment.ProcessId} on {Environment.MachineName}{slurm}, since {DateTime.UtcNow:u}");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale description is only read while its lock is held by someone else, who has written their own.
        }
    }
}
