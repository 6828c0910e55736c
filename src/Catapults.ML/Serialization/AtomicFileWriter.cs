namespace Catapults.ML.Serialization;

/// <summary>
/// Writes a file so that a crash, a kill, an exception in the writer or a full disk leaves either the old file or the
/// new one under its name, never a torn one: the bytes go to a temporary file in the same folder, are flushed to disk,
/// and only then is it renamed over the target.
/// </summary>
public static class AtomicFileWriter
{
    /// <summary>The ending of every temporary file, so that leftovers of a killed writer can be found and removed.</summary>
    public const string TemporaryEnding = ".tmp";

    /// <summary>Writes what <paramref name="write"/> puts on the stream it is given to <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file could not be written (disk full, no permission, no such folder); the message names it.</exception>
    public static void Write(string path, Action<Stream> write) => Write(path, write, overwrite: true);

    /// <summary>
    /// Writes <paramref name="path"/> as <see cref="Write(string, Action{Stream})"/> does, but only if no file stands at
    /// it when the new one is put in place; returns false, leaving the other file as it was, when one does (another
    /// process created it meanwhile). Two processes creating one file thus never overwrite each other.
    /// </summary>
    /// <exception cref="IOException">The file could not be written for another reason; the message names it.</exception>
    public static bool TryCreate(string path, Action<Stream> write)
    {
        try
        {
            Write(path, write, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    private static void Write(string path, Action<Stream> write, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        // A name of its own per write, so that two processes writing one file never share a temporary file.
        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}-{Guid.NewGuid():N}{TemporaryEnding}");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            if (overwrite) File.Move(temporary, full, overwrite: true);
            else MoveIfAbsent(temporary, full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            // The system's own message would name the temporary file, which the caller never asked for: a full disk
            // reads "No space left on device : '<folder>/.<name>.<pid>-<guid>.tmp'".
            string reason = ex is DirectoryNotFoundException && !Directory.Exists(folder)
                ? $"the folder {folder} does not exist"
                : ex.Message.Replace($" : '{temporary}'", "", StringComparison.Ordinal).Replace(temporary, full, StringComparison.Ordinal).ReplaceLineEndings(" ");
            throw new IOException($"cannot write {full}: {reason}", ex);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    // .NET's File.Move without overwrite checks that the target is absent and then renames (lstat, rename(2)), so two
    // processes can both pass the check and the later one replaces the earlier one's file. link(2) refuses an existing
    // target in one step; the temporary name is then dropped. Where hard links are not available, File.Move it is.
    private static void MoveIfAbsent(string temporary, string full)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            int result;
            try
            {
                result = Link(temporary, full);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                result = -2;
            }
            if (result == 0)
            {
                File.Delete(temporary);
                return;
            }
            if (result == -1 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == 17) // EEXIST, on Linux and macOS alike
                throw new IOException($"The file '{full}' already exists.");
        }
        File.Move(temporary, full, overwrite: false);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string created);

    /// <summary>
    /// Removes the temporary files killed writers left in <paramref name="folder"/> and the folders below it (named
    /// <c>.&lt;name&gt;.&lt;pid&gt;-&lt;guid&gt;.tmp</c> by <see cref="Write(string, Action{Stream})"/>). Call it only while no other process writes
    /// there (under the lock that guards the folder): a live writer's temporary file would be removed from under it.
    /// </summary>
    public static void RemoveLeftovers(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder)) return;
        foreach (var leftover in Directory.EnumerateFiles(folder, $".*{TemporaryEnding}", SearchOption.AllDirectories)) TryDelete(leftover);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The failure being reported matters more; a stray temporary file is never read.
        }
    }
}
