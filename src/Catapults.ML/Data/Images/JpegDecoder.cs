using SkiaSharp;

namespace Catapults.ML.Data.Images;

/// <summary>Decodes a JPEG file to 8-bit RGB through SkiaSharp, refusing truncated, corrupt or non-JPEG files.</summary>
internal static class JpegDecoder
{
    /// <summary>
    /// Decodes <paramref name="path"/>; returns interleaved RGB bytes (height × width × 3). <paramref name="checkSize"/>
    /// sees the width and height the headers declare before any pixel memory is allocated, and throws to refuse them.
    /// </summary>
    public static (byte[] Rgb, int Width, int Height) DecodeRgb(string path, Action<int, int>? checkSize = null)
    {
        if (Directory.Exists(path)) throw new DatasetFormatException(path, $"'{path}' is a folder; expected a JPEG image.");
        if (!File.Exists(path)) throw new FileNotFoundException($"Image '{path}' does not exist.", path);
        long length = new FileInfo(path).Length;
        using var codec = SKCodec.Create(path, out var created);
        if (codec is null)
            throw new DatasetFormatException(path, FileFormatSniffer.StartsAsJpeg(path)
                ? $"{path}: corrupt JPEG: it starts as a JPEG, but its headers cannot be decoded ({created})."
                : $"{path}: cannot be decoded as an image ({created}); expected a JPEG, found {FileFormatSniffer.DescribeFile(path)}.", 0);
        if (codec.EncodedFormat != SKEncodedImageFormat.Jpeg)
            throw new DatasetFormatException(path, $"{path}: expected a JPEG, found a {codec.EncodedFormat} image.", 0);
        int width = codec.Info.Width, height = codec.Info.Height;
        // A few hundred bytes of header can declare 65,535 × 65,535 pixels; SkiaSharp sizes its managed buffer with
        // 32-bit arithmetic, which wraps, and the native decoder then writes past it. The declared size is checked first.
        if (width <= 0 || height <= 0 || 4L * width * height > Array.MaxLength)
            throw new DatasetFormatException(path, $"{path}: corrupt JPEG: its headers declare {width:N0}×{height:N0} pixels, more than a decoded image can hold.", 0);
        checkSize?.Invoke(width, height);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var result = codec.GetPixels(info, out byte[] rgba);
        if (result == SKCodecResult.IncompleteInput)
            throw new DatasetFormatException(path,
                $"{path}: truncated JPEG: the decoder ran out of data at the end of the file (byte {length:N0}) before the image was complete.", length);
        if (result != SKCodecResult.Success)
            throw new DatasetFormatException(path, $"{path}: corrupt JPEG: decoding failed ({result}).", 0);
        // libjpeg fills what a file that stops early lacks with grey and reports success when the missing tail reads as
        // zeros (a write torn over preallocated space), so the end-of-image marker is required as well.
        if (!EndsWithImageMarker(path))
            throw new DatasetFormatException(path,
                $"{path}: truncated JPEG: no end-of-image marker (FF D9) at the end of its {length:N0} bytes; the file was cut short or overwritten.", length);
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
        return (rgb, width, height);
    }

    // Whether the end-of-image marker FF D9 stands within the file's last 4 kB, after any zero padding. Entropy-coded
    // data stuff every FF byte with 00, so an FF D9 there is a marker; 4 kB allows for trailing bytes some writers
    // append after the image.
    private static bool EndsWithImageMarker(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        int tail = (int)Math.Min(file.Length, 4096);
        file.Seek(-tail, SeekOrigin.End);
        var bytes = new byte[tail];
        file.ReadExactly(bytes);
        int end = tail;
        while (end > 0 && bytes[end - 1] == 0) end--;
        for (int i = end - 2; i >= 0; i--)
            if (bytes[i] == 0xFF && bytes[i + 1] == 0xD9) return true;
        return false;
    }
}
