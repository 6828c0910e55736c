namespace Catapults.ML.Data;

/// <summary>
/// A dataset file that exists but cannot be read as the expected format: truncated, corrupt, or of another format.
/// The message names the file and, where one applies, the byte offset, line or column at which reading failed.
/// </summary>
public sealed class DatasetFormatException : IOException
{
    /// <summary>Creates the exception; <paramref name="message"/> should already name the file and position.</summary>
    public DatasetFormatException(string path, string message, long? byteOffset = null, Exception? inner = null)
        : base(message, inner)
    {
        FilePath = path;
        ByteOffset = byteOffset;
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>Byte offset in the file where the problem was found, when it is known.</summary>
    public long? ByteOffset { get; }
}
