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

    // Written by libjpeg-turbo's cjpeg (-quality 95 -sample 1x1 -restart 1B) from a 24 × 16 image whose pixel (x, y) is
    // (10x, 15y, 6(x + y)): a restart interval of one MCU puts five RST markers inside the scan's entropy-coded data,
    // which the end-of-image walk must step over like stuffed bytes. SkiaSharp cannot write restart intervals.
    private static readonly byte[] RestartIntervalJpeg = Convert.FromBase64String(
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoK" +
        "CgoKBggLDAsKDAkKCgr/2wBDAQICAgICAgUDAwUKBwYHCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoK" +
        "CgoKCgoKCgr/wAARCAAQABgDAREAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUF" +
        "BAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVW" +
        "V1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi" +
        "4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAEC" +
        "AxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVm" +
        "Z2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq" +
        "8vP09fb3+Pn6/90ABAAB/9oADAMBAAIRAxEAPwD8t/h5+yl/q/8AiW+n8Fc2DzLzPn+FuPvh98//0Pi34efspf6v/iW+n8FfQ4PM" +
        "vM/ceFuPvh98/9HyL4efspf6v/iW/wDjlfpeDzLzP9AeFuPvh98//9LH+Hn7KX+r/wCJb6fwV+b4PMttT+B+FuPvh98//9P134ef" +
        "spf6v/iW/wDjleDg8y21Pxfhbj74ffP/1PtP4efspfc/4lv/AI5XZg8y21PqeFuPvh98/9k=");

    // Found by mutation testing (round 10A, M32): a walk that stopped at RST markers inside the scan went unseen.
    [Test]
    public void RestartMarkersInsideTheScanAreSteppedOver()
    {
        string path = Temp.Combine("restarts.jpg");
        File.WriteAllBytes(path, RestartIntervalJpeg);
        var (rgb, width, height) = JpegDecoder.DecodeRgb(path);
        Assert.That((width, height), Is.EqualTo((24, 16)));
        // Quality 95 keeps every channel within a few levels of the source (libjpeg's own djpeg: at most 3).
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int at = 3 * (y * width + x);
                Assert.That(new[] { rgb[at], rgb[at + 1], rgb[at + 2] }, Is.EqualTo(new[] { 10 * x, 15 * y, 6 * (x + y) }).Within(6), $"pixel ({x}, {y})");
            }
    }
}
