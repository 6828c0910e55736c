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

    // A dimension below zero is refused as the header fault it is: two of them multiply to a positive size that the
    // data's span matches.
    [Test]
    public void ANegativeDimensionIsRefusedEvenWhenTheSizesAgree()
    {
        using var stream = File("""{"w":{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]}}""", 16);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "negative.safetensors"));
        Assert.That(ex!.Message, Is.EqualTo("negative.safetensors: tensor 'w' has a negative dimension."));
    }

    // A file shorter than the 8-byte length is cut inside that length, and the message says how much of it came.
    [Test]
    public void AFileShorterThanTheLengthPrefixSaysHowManyBytesCame()
    {
        using var stream = new MemoryStream(new byte[] { 1, 2, 3 });
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "stub.safetensors"));
        Assert.That(ex!.Message, Is.EqualTo("stub.safetensors: the file ends inside the header length (3 of 8 bytes)."));
    }

    // The largest array .NET holds is still a size the reader takes; one byte more is refused for memory. Both claims
    // are refused before anything is allocated for them.
    [Test]
    public void TensorDataOfTheLargestArrayIsReadAndOneByteMoreIsRefused()
    {
        long most = Array.MaxLength;
        using var fits = File($$$"""{"w":{"dtype":"U8","shape":[{{{most}}}],"data_offsets":[0,{{{most}}}]}}""", 0);
        var cut = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(fits, "most.safetensors"));
        Assert.That(cut!.Message, Is.EqualTo($"most.safetensors: the file ends inside the tensor data: {most:N0} bytes declared, 0 follow."));
        using var over = File($$$"""{"w":{"dtype":"U8","shape":[{{{most + 1}}}],"data_offsets":[0,{{{most + 1}}}]}}""", 0);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(over, "over.safetensors"));
        Assert.That(ex!.Message, Does.StartWith($"over.safetensors: the header declares {most + 1:N0} bytes of tensor data, more than this reader holds"));
    }

    // The overflow check refuses only sizes past 2^63 − 1: a shape of exactly long.MaxValue bytes is a size, refused
    // for memory, not for its element count.
    [Test]
    public void AShapeOfExactlyTheLargestSizeIsNoOverflow()
    {
        using var stream = File($$$"""{"w":{"dtype":"U8","shape":[{{{long.MaxValue}}}],"data_offsets":[0,{{{long.MaxValue}}}]}}""", 0);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "max.safetensors"));
        Assert.That(ex!.Message, Does.StartWith($"max.safetensors: the header declares {long.MaxValue:N0} bytes of tensor data, more than this reader holds"));
    }

    // JSON that is not an object (an array, a number) is named as such, not as JSON the parser could not read.
    [Test]
    public void AHeaderThatIsNotAnObjectIsRefusedAsSuch()
    {
        using var stream = File("[1, 2]", 0);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "array.safetensors"));
        Assert.That(ex!.Message, Is.EqualTo("array.safetensors: the header is not a JSON object."));
    }
}
