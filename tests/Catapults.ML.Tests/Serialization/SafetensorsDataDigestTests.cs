using System.Buffers.Binary;
using System.Text;
using Catapults.ML.Models;
using Catapults.ML.Serialization;
using Catapults.ML.Tests.Support;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Serialization;

// safetensors has no checksum of its own: without the recorded digest a flipped bit in the data loads as other weights.
public sealed class SafetensorsDataDigestTests
{
    // FIPS 180-2's test vector: SHA-256("abc").
    private const string AbcDigest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    private static SafetensorsFile Abc(IReadOnlyDictionary<string, string>? metadata = null) => new(new[]
    {
        new SafetensorsTensor("a", SafetensorsDataType.U8, new long[] { 1 }, "a"u8.ToArray()),
        new SafetensorsTensor("bc", SafetensorsDataType.U8, new long[] { 2 }, "bc"u8.ToArray()),
    }, metadata);

    private static byte[] Bytes(SafetensorsFile file)
    {
        using var stream = new MemoryStream();
        file.Write(stream);
        return stream.ToArray();
    }

    private static string HeaderText(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes)).TrimEnd(' ');

    [Test]
    public void TheDigestIsTheSha256OfTheDataInFileOrder()
    {
        var bytes = Bytes(Abc());
        Assert.That(HeaderText(bytes), Does.Contain($"\"{"data_sha256"}\":\"{AbcDigest}\""));
        var read = SafetensorsFile.Read(new MemoryStream(bytes), "abc.safetensors");
        Assert.That(read.Metadata["data_sha256"], Is.EqualTo(AbcDigest));
    }

    [Test]
    public void AFlippedDataBitIsRefusedNamingTheFile()
    {
        var bytes = Bytes(Abc(new Dictionary<string, string> { ["note"] = "kept" }));
        bytes[^1] ^= 0x01;
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(bytes), "flipped.safetensors"));
        Assert.That(ex!.Message, Is.EqualTo(
            "flipped.safetensors: the tensor data does not match the SHA-256 its header records ('data_sha256'); the file was changed or damaged after it was written."));
    }

    [Test]
    public void AFileWrittenWithoutADigestIsReadAsItIs()
    {
        // What another writer (Python's safetensors) produces: no metadata at all.
        var bytes = RawSafetensors.Bytes("""{"w":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}""", new byte[] { 7, 9 });
        var read = SafetensorsFile.Read(new MemoryStream(bytes), "foreign.safetensors");
        Assert.That(read.Find("w")!.Data, Is.EqualTo(new byte[] { 7, 9 }));
        Assert.That(read.Metadata, Is.Empty);
    }

    [TestCase("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", TestName = "An upper-case digest is refused as malformed")]
    [TestCase("ba7816bf", TestName = "A short digest is refused as malformed")]
    public void AMalformedDigestIsRefusedNamingTheKey(string digest)
    {
        string json = $$$"""{"__metadata__":{"data_sha256":"{{{digest}}}"},"w":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}""";
        var bytes = RawSafetensors.Bytes(json, "abc"u8);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(bytes), "malformed.safetensors"));
        Assert.That(ex!.Message, Is.EqualTo(
            $"malformed.safetensors: metadata 'data_sha256' is '{digest}', expected the SHA-256 of the tensor data as 64 lowercase hex digits."));
    }

    [Test]
    public void AGivenDigestIsReplacedByTheDataOne()
    {
        // A file read and edited keeps its old digest in the metadata; writing it must not carry the stale value.
        var stale = new Dictionary<string, string> { ["data_sha256"] = new string('0', 64), ["note"] = "kept" };
        var read = SafetensorsFile.Read(new MemoryStream(Bytes(Abc(stale))), "rewritten.safetensors");
        Assert.That(read.Metadata, Is.EqualTo(new Dictionary<string, string> { ["note"] = "kept", ["data_sha256"] = AbcDigest }));
    }

    [Test]
    public void AFlippedWeightInASavedModelIsRefusedOnLoad()
    {
        using var temp = new TempDirectory();
        using var model = new NetworkDescription { Architecture = "fcn-2", Width = 4 }.Build(new long[] { 3 }, 1, seed: 5);
        string path = temp.Combine("model.safetensors");
        ModelWeights.Save(model, path);
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, path));
        Assert.That(ex!.Message, Does.StartWith(path + ": the tensor data does not match the SHA-256"));
    }

    // Writing a file read back (which carries its old digest) names the key once: a header naming it twice is one a
    // strict JSON reader refuses, and which of the two values another reader keeps is up to it.
    [Test]
    public void ARewrittenFileRecordsItsDigestOnce()
    {
        var stale = new Dictionary<string, string> { ["data_sha256"] = new string('0', 64) };
        string header = HeaderText(Bytes(Abc(stale)));
        Assert.That(header.Split("\"data_sha256\"").Length - 1, Is.EqualTo(1), header);
        Assert.That(header, Does.Contain($"\"data_sha256\":\"{AbcDigest}\""));
    }
}
