using System.Buffers.Binary;
using System.IO.Compression;
using Catapults.ML.Serialization;
using Catapults.ML.Tests.Support;

namespace Catapults.ML.Tests.Serialization;

public sealed class SafetensorsFileTests
{
    // Reading from a stream that does not know its length (a download, a decompressing stream): the bytes arrive piece
    // by piece, and nothing may ask the stream where it is or how long it is.
    // A stream that cannot seek: the decompressed side of gzip.
    private static Stream Unseekable(byte[] bytes)
    {
        var packed = new MemoryStream();
        using (var zip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(bytes);
        packed.Position = 0;
        var stream = new GZipStream(packed, CompressionMode.Decompress);
        Assert.That(stream.CanSeek, Is.False);
        return stream;
    }

    [Test]
    public void AWholeFileIsReadFromAStreamThatCannotSeek()
    {
        var file = new SafetensorsFile(new[] { SafetensorsTensor.FromSingles("w", new long[] { 3 }, new[] { 1f, -2f, 0.5f }) });
        using var written = new MemoryStream();
        file.Write(written);
        using var stream = Unseekable(written.ToArray());
        var read = SafetensorsFile.Read(stream, "piped.safetensors");
        Assert.That(read.Find("w")!.ToSingles(), Is.EqualTo(new[] { 1f, -2f, 0.5f }));
        Assert.That(read.Source, Is.EqualTo("piped.safetensors"));
    }

    [Test]
    public void AStreamEndingPastTheFirstPieceCountsEveryByteThatCame()
    {
        // 200,000 bytes declared, 100,000 present: the stream ends inside the second 64 KiB piece of the data.
        var bytes = RawSafetensors.Bytes("""{"w":{"dtype":"U8","shape":[200000],"data_offsets":[0,200000]}}""", 100_000);
        using var stream = Unseekable(bytes);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "cut.safetensors"));
        Assert.That(ex!.Message, Is.EqualTo("cut.safetensors: the file ends inside the tensor data: 200,000 bytes declared, 100,000 follow."));
    }

    // A dimension of 0 is a tensor of no elements (PyTorch saves torch.empty(0) and torch.zeros(2, 0) so), not a size
    // the overflow check may divide by.
    [Test]
    public void TensorsWithADimensionOfZeroRoundTrip()
    {
        var file = new SafetensorsFile(new[]
        {
            new SafetensorsTensor("empty", SafetensorsDataType.F32, new long[] { 0 }, Array.Empty<byte>()),
            new SafetensorsTensor("rows", SafetensorsDataType.F64, new long[] { 2, 0 }, Array.Empty<byte>()),
            SafetensorsTensor.FromSingles("w", new long[] { 1 }, new[] { 3f }),
        });
        using var stream = new MemoryStream();
        file.Write(stream);
        stream.Position = 0;
        var read = SafetensorsFile.Read(stream, "empty.safetensors");
        Assert.That(read.Find("empty")!.Shape, Is.EqualTo(new long[] { 0 }));
        Assert.That(read.Find("empty")!.ToSingles(), Is.Empty);
        Assert.That(read.Find("rows")!.Shape, Is.EqualTo(new long[] { 2, 0 }));
        Assert.That(read.Find("w")!.ToSingles(), Is.EqualTo(new[] { 3f }));
    }

    // "__metadata__" is the header's metadata entry: a tensor of that name would be written as the metadata and the
    // file could not be read back.
    [Test]
    public void TheMetadataKeyNamesNoTensorAndNamesAreDistinct()
    {
        var w = SafetensorsTensor.FromSingles("w", new long[] { 1 }, new[] { 1f });
        var reserved = Assert.Throws<ArgumentException>(() => new SafetensorsFile(new[] { SafetensorsTensor.FromSingles("__metadata__", new long[] { 1 }, new[] { 1f }) }));
        Assert.That(reserved!.Message, Does.StartWith("'__metadata__' is reserved and cannot name a tensor."));
        var twice = Assert.Throws<ArgumentException>(() => new SafetensorsFile(new[] { w, SafetensorsTensor.FromSingles("w", new long[] { 1 }, new[] { 2f }) }));
        Assert.That(twice!.Message, Does.StartWith("Two tensors are named 'w'."));
    }

    // The header may be up to 100 MiB long: a header of exactly that length is taken at its word (and here found cut
    // short), one byte more is no safetensors file.
    [Test]
    public void AHeaderOfExactlyTheLimitIsPlausibleAndOneByteMoreIsNot()
    {
        const ulong limit = 100UL * 1024 * 1024;
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, limit);
        var cut = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(bytes), "limit.safetensors"));
        Assert.That(cut!.Message, Is.EqualTo("limit.safetensors: the file ends inside the header: 104,857,600 bytes declared, 8 follow."));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, limit + 1);
        var over = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(bytes), "over.safetensors"));
        Assert.That(over!.Message, Does.StartWith("over.safetensors: header length 104857601 is not plausible (expected 1..104857600 bytes)"));
    }

    // The header's order is not the data's: Python's safetensors writes the header sorted by name and the data in its
    // own order, so the offsets are checked for gaps in the order they lie in the data.
    [Test]
    public void TensorsListedInAnotherOrderThanTheirDataAreReadAtTheirOffsets()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -2f);
        var bytes = RawSafetensors.Bytes("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", data);
        var read = SafetensorsFile.Read(new MemoryStream(bytes), "sorted.safetensors");
        Assert.That(read.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(read.Find("a")!.ToSingles(), Is.EqualTo(new[] { -2f }));
        Assert.That(read.Find("b")!.ToSingles(), Is.EqualTo(new[] { 1.5f }));
    }
}
