namespace Catapults.Study.Infrastructure;

/// <summary>
/// Writes every file of a run atomically: the bytes go to a temporary file in the same folder, are flushed to disk and
/// only then renamed over the target, so a kill or a full disk leaves either the old file or the new one, never a
/// truncated one under the final name.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Wraps the stream each write goes through (tests use it to simulate a full disk: a stream that fails after N
    /// bytes); null: the file stream itself. The first argument is the final path.
    /// </summary>
    internal static Func<string, Stream, Stream>? WrapStream { get; set; }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) and returns the digest of the bytes written.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static FileDigest WriteText(string path, string text) => WriteBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>
    /// Writes the script <paramref name="text"/> like <see cref="WriteText"/> and makes it executable by everyone who
    /// can read it (the mode bits are left alone on Windows, which has none).
    /// </summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static FileDigest WriteScript(string path, string text)
    {
        var digest = WriteText(path, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return digest;
    }

    /// <summary>Writes what <paramref name="write"/> puts on a stream and returns the digest of the bytes written.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static FileDigest Write(string path, Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        return WriteBytes(path, buffer.ToArray());
    }

    /// <summary>Writes <paramref name="bytes"/> and returns their digest.</summary>
    /// <exception cref="IOException">The file could not be written (disk full, no permission, not a folder); the message names it.</exception>
    public static FileDigest WriteBytes(string path, byte[] bytes)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        string temporary = Path.Combine(folder, "." + Path.GetFileName(full) + ".tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var stream = WrapStream?.Invoke(full, file) ?? file;
                stream.Write(bytes);
                stream.Flush();
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new IOException($"cannot write {full}: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
        return FileDigest.Of(bytes);
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
