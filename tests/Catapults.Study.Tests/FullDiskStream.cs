namespace Catapults.Study.Tests;

/// <summary>
/// A write stream on a disk that fills up: after <see cref="Budget"/> bytes in all (shared by every file written
/// through it) it writes what still fits and throws the IOException a full disk gives, with .NET's message on Linux
/// ("No space left on device : '&lt;the file stream's path&gt;'"). No root or special file system needed.
/// </summary>
internal sealed class FullDiskStream(Stream inner, FullDiskStream.Budget budget) : Stream
{
    public sealed class Budget(long bytes)
    {
        public long Left { get; set; } = bytes;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int fits = (int)Math.Min(buffer.Length, Math.Max(0, budget.Left));
        inner.Write(buffer[..fits]);
        budget.Left -= fits;
        if (fits < buffer.Length) throw new IOException(inner is FileStream file ? $"No space left on device : '{file.Name}'" : "No space left on device");
    }

    public override void Flush() => inner.Flush();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
