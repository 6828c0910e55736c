using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// JPEG markers TEM (FF 01) and RST0–RST7 (FF D0–FF D7) carry no length field; libjpeg passes over them between
/// header segments. The end-of-image check walks the segments too, so it must step over them the same way rather
/// than read the next marker's bytes as a length.
/// </summary>
public sealed class JpegStandaloneMarkerTests : TemporaryFolderTests
{
    [TestCase((byte)0x01)]
    [TestCase((byte)0xD0)]
    [TestCase((byte)0xD7)]
    public void StandaloneMarkerBetweenHeaderSegmentsIsSteppedOver(byte marker)
    {
        var intact = DatasetFixtures.EncodeJpeg(DatasetFixtures.CelebAImage(1, 24, 16));
        string intactPath = Temp.Combine("intact.jpg"), markedPath = Temp.Combine("marked.jpg");
        File.WriteAllBytes(intactPath, intact);
        // Right after SOI (FF D8), before the first header segment.
        File.WriteAllBytes(markedPath, [.. intact[..2], 0xFF, marker, .. intact[2..]]);

        var expected = JpegDecoder.DecodeRgb(intactPath);
        var marked = JpegDecoder.DecodeRgb(markedPath);
        Assert.That(marked.Width, Is.EqualTo(24));
        Assert.That(marked.Height, Is.EqualTo(16));
        Assert.That(marked.Rgb, Is.EqualTo(expected.Rgb));
    }

    // A segment length counts its own two bytes, so 0 and 1 are impossible: the walk cannot know where the segment
    // ends, and the file is refused rather than resynchronised on whatever FF byte comes next.
    [TestCase((byte)0)]
    [TestCase((byte)1)]
    public void SegmentLengthBelowTwoIsRefused(byte length)
    {
        var intact = DatasetFixtures.EncodeJpeg(DatasetFixtures.CelebAImage(1, 24, 16));
        string path = Temp.Combine("bogus.jpg");
        File.WriteAllBytes(path, [.. intact[..2], 0xFF, 0xFE, 0x00, length, .. intact[2..]]);
        var ex = Assert.Throws<DatasetFormatException>(() => JpegDecoder.DecodeRgb(path));
        // Named as the damage it is: before, the message said the file was truncated, though its FF D9 was there.
        Assert.That(ex!.Message, Is.EqualTo($"{path}: corrupt JPEG: marker FF FE at byte 2 declares a segment length of {length}, below the 2 bytes of the length field itself."));
        Assert.That(ex.ByteOffset, Is.EqualTo(2));
    }
}
