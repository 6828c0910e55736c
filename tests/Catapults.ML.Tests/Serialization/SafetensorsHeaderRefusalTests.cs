using Catapults.ML.Serialization;
using Catapults.ML.Tests.Support;

namespace Catapults.ML.Tests.Serialization;

// A damaged header must be refused as what it is, before the parser or the tensor list gets a chance to fail with
// an unrelated message or exception type.
public sealed class SafetensorsHeaderRefusalTests
{
    private static MemoryStream File(string json, int dataBytes) => new(RawSafetensors.Bytes(json, dataBytes));

    [Test]
    public void AZeroHeaderLengthIsNotASafetensorsFile()
    {
        using var stream = new MemoryStream(new byte[16]);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "zeros.bin"));
        Assert.That(ex!.Message, Does.StartWith("zeros.bin: header length 0 is not plausible"));
    }

    [Test]
    public void ATensorNamedTwiceIsRefusedAsAHeaderFault()
    {
        const string json = """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""";
        using var stream = File(json, 8);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "twice.safetensors"));
        Assert.That(ex!.Message, Is.EqualTo("twice.safetensors: the header names 'w' twice."));
    }

    [Test]
    public void MetadataGivenTwiceIsRefusedRatherThanMerged()
    {
        const string json = """{"__metadata__":{"a":"1"},"__metadata__":{"b":"2"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""";
        using var stream = File(json, 4);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "meta.safetensors"));
        Assert.That(ex!.Message, Does.Contain("names '__metadata__' twice"));
    }

    // The format's offsets are a [begin, end) pair; a third number is a header another tool got wrong, not one to ignore.
    [Test]
    public void DataOffsetsOtherThanAPairAreRefused()
    {
        using var stream = File("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", 4);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "three.safetensors"));
        Assert.That(ex!.Message, Is.EqualTo("three.safetensors: tensor 'w' needs two data offsets."));
    }

    // Metadata values are strings in the format (Python's safetensors refuses anything else); a number is refused by key.
    [Test]
    public void MetadataThatIsNotAStringIsRefusedByKey()
    {
        using var stream = File("""{"__metadata__":{"epoch":3},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "meta.safetensors"));
        Assert.That(ex!.Message, Is.EqualTo("meta.safetensors: metadata 'epoch' is not a string."));
    }

    // An end before the begin is named as the bytes it claims, not as a size that happens not to match.
    [Test]
    public void AnEndBeforeTheBeginIsRefusedNamingTheRange()
    {
        using var stream = File("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,-4]}}""", 4);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "reversed.safetensors"));
        Assert.That(ex!.Message, Is.EqualTo("reversed.safetensors: tensor 'w' occupies bytes [0, -4), which leaves a gap or overlaps another tensor."));
    }
}
