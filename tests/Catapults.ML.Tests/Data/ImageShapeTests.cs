using Catapults.ML.Data.Images;

namespace Catapults.ML.Tests.Data;

public class ImageShapeTests
{
    [Test]
    public void SizesOfAnOrdinaryShape()
    {
        var shape = new ImageShape(3, 32, 28);
        Assert.That(shape.PlaneSize, Is.EqualTo(32 * 28));
        Assert.That(shape.Size, Is.EqualTo(3 * 32 * 28));
    }

    // 3·32768² wraps to a negative int and 3·65536² to zero: either would pass as a size without the check.
    [TestCase(3, 32_768, 32_768)]
    [TestCase(3, 65_536, 65_536)]
    [TestCase(int.MaxValue, int.MaxValue, int.MaxValue)]
    public void ASizeThatDoesNotFitAnIntIsRefusedNotWrapped(int c, int h, int w)
    {
        var shape = new ImageShape(c, h, w);
        var ex = Assert.Throws<OverflowException>(() => _ = shape.Size);
        Assert.That(ex!.Message, Does.Contain($"{c}×{h}×{w}").And.Contain("2,147,483,647").And.Not.Contain("\n"));
    }

    [Test]
    public void APlaneThatDoesNotFitAnIntIsRefused()
    {
        var ex = Assert.Throws<OverflowException>(() => _ = new ImageShape(1, 65_536, 65_536).PlaneSize);
        Assert.That(ex!.Message, Does.Contain("1×65536×65536"));
    }
}
