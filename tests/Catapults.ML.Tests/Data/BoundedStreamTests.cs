using Catapults.ML.Data;

namespace Catapults.ML.Tests.Data;

public class BoundedStreamTests
{
    [Test]
    public void SeekingFromTheCurrentPositionMovesRelativeToIt()
    {
        using var inner = new MemoryStream(Enumerable.Range(0, 20).Select(i => (byte)i).ToArray());
        using var window = new BoundedStream(inner, start: 5, length: 10);
        window.Seek(3, SeekOrigin.Begin);
        Assert.That(window.Seek(2, SeekOrigin.Current), Is.EqualTo(5));
        Assert.That(window.ReadByte(), Is.EqualTo(10));
        Assert.That(window.AbsolutePosition, Is.EqualTo(11));
        Assert.That(window.Seek(-4, SeekOrigin.Current), Is.EqualTo(2));
        Assert.That(window.ReadByte(), Is.EqualTo(7));
    }

    // A read into a buffer one byte larger than what is left of the window stops at the window's end: the byte
    // after it belongs to the next file element.
    [Test]
    public void AReadOneByteLargerThanTheRestStopsAtTheWindowsEnd()
    {
        using var inner = new MemoryStream(Enumerable.Range(0, 20).Select(i => (byte)i).ToArray());
        using var window = new BoundedStream(inner, start: 5, length: 10);
        window.Seek(6, SeekOrigin.Begin);
        var buffer = new byte[5];
        Assert.That(window.Read(buffer, 0, 5), Is.EqualTo(4));
        Assert.That(buffer[..4], Is.EqualTo(new byte[] { 11, 12, 13, 14 }));
        Assert.That(window.Position, Is.EqualTo(10));
        Assert.That(window.Read(buffer, 0, 5), Is.EqualTo(0));
    }

    [Test]
    public void SeekingFromTheEndCountsBackFromTheWindowsLength()
    {
        using var inner = new MemoryStream(Enumerable.Range(0, 20).Select(i => (byte)i).ToArray());
        using var window = new BoundedStream(inner, start: 5, length: 10);
        Assert.That(window.Seek(-3, SeekOrigin.End), Is.EqualTo(7));
        Assert.That(window.ReadByte(), Is.EqualTo(12));
        Assert.That(window.Seek(0, SeekOrigin.End), Is.EqualTo(10));
        Assert.That(window.ReadByte(), Is.EqualTo(-1));
    }

    // A seek before the window's start is refused and leaves the position where it was: the bytes before the window
    // belong to another element.
    [Test]
    public void SeekingBeforeTheWindowIsRefused()
    {
        using var inner = new MemoryStream(Enumerable.Range(0, 20).Select(i => (byte)i).ToArray());
        using var window = new BoundedStream(inner, start: 5, length: 10);
        window.Seek(2, SeekOrigin.Begin);
        Assert.Throws<ArgumentOutOfRangeException>(() => window.Seek(-3, SeekOrigin.Current));
        Assert.Throws<ArgumentOutOfRangeException>(() => window.Seek(-11, SeekOrigin.End));
        Assert.That(window.Position, Is.EqualTo(2));
        Assert.That(window.ReadByte(), Is.EqualTo(7));
    }
}
