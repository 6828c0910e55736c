using Catapults.ML.Serialization;
namespace Catapults.Study.Infrastructure;

/// <summary>
/// Writes every file of a run atomically, through the engine's <see cref="AtomicFileWriter"/> (a kill or a full disk
/// leaves either the old file or the new one, never a truncated one under the final name), and returns the digest of
/// what it wrote for the run's manifest.
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

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> only if no file stands there; false when another process created it first.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static bool TryCreateText(string path, string text)
    {
        var bytes = new UTF8Encoding(false).GetBytes(text);
        string full = Path.GetFullPath(path);
        return AtomicFileWriter.TryCreate(full, file =>
        {
            var stream = WrapStream?.Invoke(full, file) ?? file;
            stream.Write(bytes);
            stream.Flush();
        });
    }

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
        AtomicFileWriter.Write(full, file =>
        {
            var stream = WrapStream?.Invoke(full, file) ?? file;
            stream.Write(bytes);
            stream.Flush();
        });
        return FileDigest.Of(bytes);
    }
}
