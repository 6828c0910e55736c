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
}
