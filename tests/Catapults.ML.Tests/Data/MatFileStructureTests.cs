using System.Buffers.Binary;
using Catapults.ML.Data;
using Catapults.ML.Data.Matlab;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// What the MAT-file scan accepts and refuses in the header and in an array's sub-elements, each against the v5 format
/// description: the version word, the endian indicator, the complex flag bit, the number of dimensions and the size of
/// the real part.
/// </summary>
public sealed class MatFileStructureTests : TemporaryFolderTests
{
    private string Write(string name, params MatV5Writer.Array[] arrays)
    {
        string path = Temp.Combine(name);
        MatV5Writer.Write(path, compressed: false, arrays);
        return path;
    }

    private string WriteRaw(string name, byte[] header, params byte[][] elements)
    {
        string path = Temp.Combine(name);
        using var file = File.Create(path);
        file.Write(header);
        foreach (var e in elements) file.Write(e);
        return path;
    }

    // The endian indicator 'MI' is what a big-endian writer leaves; the user needs to hear that, not "corrupt header".
    [Test]
    public void BigEndianFileIsNamedAsSuch()
    {
        var header = MatV5Writer.Header("MATLAB 5.0 MAT-file, Platform: SOL2");
        header[126] = (byte)'M';
        header[127] = (byte)'I';
        string path = WriteRaw("big.mat", header);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain("big-endian"));
        Assert.That(ex.ByteOffset, Is.EqualTo(126));
    }

    // Level 5 files carry version 0x0100; any other value, lower or higher, is not a format this reader knows.
    [TestCase((ushort)0x0000)]
    [TestCase((ushort)0x0200)]
    public void OtherVersionWordIsRefused(ushort version)
    {
        var header = MatV5Writer.Header("MATLAB 5.0 MAT-file");
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), version);
        string path = WriteRaw("version.mat", header);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain($"0x{version:X4}"));
    }

    // Bit 12 of the flags word (0x0800) is "complex"; bit 11 (0x0400) is "global" and says nothing about the values.
    [Test]
    public void ComplexFlagIsBit0x0800Only()
    {
        var values = MatV5Writer.Double("c", [1, 1], [1.5]);
        string path = Write("flags.mat",
            values with { Name = "c", ClassCode = MatV5Writer.MxDouble | 0x0800 },
            values with { Name = "g", ClassCode = MatV5Writer.MxDouble | 0x0400 });
        var file = MatFile.Open(path);
        Assert.That(file.GetVariable("c").IsComplex, Is.True);
        Assert.That(file.GetVariable("g").IsComplex, Is.False);
        Assert.That(file.GetVariable("g").Class, Is.EqualTo(MatArrayClass.Double));
    }

    // MATLAB writes at least two dimensions, even for a scalar (1×1).
    [Test]
    public void ArrayWithOneDimensionIsRefused()
    {
        string path = Write("onedim.mat", MatV5Writer.Double("v", [3], [1, 2, 3]));
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain("at least two dimensions"));
    }

    // A real part longer than the dimensions need is as corrupt as a shorter one: its values cannot be placed.
    [Test]
    public void RealPartHoldingMoreValuesThanTheDimensionsIsRefused()
    {
        var array = MatV5Writer.Double("y", [2, 1], [1, 2, 3]);
        string path = Write("long.mat", array);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain("corrupt array 'y'").And.Contain("24 bytes"));
    }

    // The name's tag claims 1,000 bytes inside a 48-byte matrix: the claim is checked against the element, so the
    // message says the length is past the end rather than reporting a short read after trying.
    [Test]
    public void NameClaimingMoreThanItsElementIsRefusedAsPastTheEnd()
    {
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.Double("abcdefgh", [1, 1], [7]));
        // miMATRIX tag (8), flags (16), dimensions (16): the name's tag starts at byte 40, its length at 44.
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(matrix.AsSpan(40)), Is.EqualTo(MatV5Writer.MiInt8));
        BinaryPrimitives.WriteInt32LittleEndian(matrix.AsSpan(44), 1000);
        string path = WriteRaw("name.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), matrix);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain("the array name").And.Contain("past the end of the element"));
    }

    // Lookup by name follows file order: with a name written twice, the variable read is the first one listed.
    [Test]
    public void DuplicateNameResolvesToTheFirstVariable()
    {
        string path = Write("dup.mat", MatV5Writer.Double("a", [1, 2], [1, 2]), MatV5Writer.Double("a", [1, 3], [3, 4, 5]));
        var file = MatFile.Open(path);
        Assert.That(file.Variables, Has.Count.EqualTo(2));
        Assert.That(file.GetVariable("a"), Is.SameAs(file.Variables[0]));
        Assert.That(file.ReadDoubles("a"), Is.EqualTo(new double[] { 1, 2 }));
    }

    // An endian indicator must be 'IM' in both bytes: one right byte does not make a little-endian file.
    [Test]
    public void AnEndianIndicatorRightInOneByteOnlyIsRefused()
    {
        var header = MatV5Writer.Header("MATLAB 5.0 MAT-file");
        header[127] = (byte)'X';
        string path = WriteRaw("endian.mat", header);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: corrupt MAT-file header: endian indicator at byte 126 is 0x49 0x58, expected 'IM'."));
        Assert.That(ex.ByteOffset, Is.EqualTo(126));
    }

    // The version word sits at byte 124 of the header, and the error points there.
    [Test]
    public void AnotherVersionWordIsLocatedAtByte124()
    {
        var header = MatV5Writer.Header("MATLAB 5.0 MAT-file");
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), 0x0200);
        string path = WriteRaw("version.mat", header);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: unsupported MAT-file version 0x0200 at byte 124 (expected 0x0100)."));
        Assert.That(ex.ByteOffset, Is.EqualTo(124));
    }

    // Fewer than 8 bytes after the last element cannot hold a tag: they are named as stray bytes where they start.
    [Test]
    public void StrayBytesAfterTheLastElementAreNamedWhereTheyStart()
    {
        string path = WriteRaw("stray.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), new byte[] { 1, 2, 3, 4, 5 });
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: truncated: 5 stray bytes at byte 128, too few for an element tag."));
        Assert.That(ex.ByteOffset, Is.EqualTo(128));
    }

    // A negative dimension is refused by its position, not passed on to a size check it would happen to fail.
    [Test]
    public void ANegativeDimensionIsRefusedByPosition()
    {
        string path = Write("negative.mat", MatV5Writer.Double("v", [-1, 1], []));
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.StartWith($"{path}: corrupt array: dimension 1 is -1 (at byte "));
    }
}
