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
        // Read once: the decoder and the end-of-image check both need the bytes.
        var bytes = File.ReadAllBytes(path);
        long length = bytes.Length;
        using var codec = SKCodec.Create(new SKMemoryStream(bytes), out var created);
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
        var (endFound, badLength) = WalkSegments(bytes);
        // A length field counts its own two bytes, so below 2 the walk cannot tell where the segment ends: the file is
        // damaged where it stands, not cut short (found by mutation round 10A).
        if (badLength is { } bad)
            throw new DatasetFormatException(path,
                $"{path}: corrupt JPEG: marker FF {bad.Marker:X2} at byte {bad.Offset:N0} declares a segment length of {bad.Length}, below the 2 bytes of the length field itself.", bad.Offset);
        if (!endFound)
            throw new DatasetFormatException(path,
                $"{path}: truncated JPEG: no end-of-image marker (FF D9) after its image data in {length:N0} bytes; the file was cut short or overwritten.", length);
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
        return (rgb, width, height);
    }

    // Whether the image's own end-of-image marker FF D9 is in the file, found by walking its segments the way a decoder
    // does: each marker segment is skipped by its length (so an FF D9 inside an EXIF thumbnail or a comment does not
    // count), and entropy-coded data, where every FF byte is followed by 00 or a restart marker, runs to the next marker.
    // Whatever follows the image's FF D9 (zero padding, data some writers append) is not the image's concern. The walk
    // stops at a segment whose length field is below 2 and returns it.
    private static (bool EndFound, (byte Marker, long Offset, int Length)? BadLength) WalkSegments(byte[] bytes)
    {
        int n = bytes.Length, i = 2;
        if (n < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8) return (false, null);
        while (true)
        {
            // libjpeg skips stray bytes before a marker (with a warning), and any FF fill bytes in front of one.
            while (i < n && bytes[i] != 0xFF) i++;
            while (i < n && bytes[i] == 0xFF) i++;
            if (i >= n) return (false, null);
            byte marker = bytes[i++];
            if (marker == 0xD9) return (true, null);
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) continue;   // standalone markers carry no length
            if (i + 2 > n) return (false, null);
            int length = (bytes[i] << 8) | bytes[i + 1];
            if (length < 2) return (false, (marker, i - 2, length));
            if (i + length > n) return (false, null);
            i += length;
            if (marker != 0xDA) continue;
            // Start of scan: entropy-coded data up to the next marker that is neither stuffing (FF 00) nor a restart.
            while (i + 1 < n && !(bytes[i] == 0xFF && bytes[i + 1] is not (0x00 or 0xFF or (>= 0xD0 and <= 0xD7)))) i++;
        }
    }
}
