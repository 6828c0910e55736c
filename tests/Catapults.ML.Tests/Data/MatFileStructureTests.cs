using System.Buffers.Binary;
using System.IO.Compression;
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

    // Found by mutation testing (round 24A): a top-level element of a data type the format does not define is
    // corruption, named with its offset, not stepped over as if it were harmless.
    [Test]
    public void ATopLevelElementOfAnUnknownDataTypeIsRefusedByOffset()
    {
        string path = WriteRaw("unknown.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), MatV5Writer.Tag(99, 0));
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: corrupt: the element at byte 128 has unknown data type 99."));
        Assert.That(ex.ByteOffset, Is.EqualTo(128));
    }

    // Found by mutation testing (round 24A): a sub-element may declare up to 2³²−1 bytes in its tag; past 2³¹−1 the
    // reader says it does not support it, rather than taking the count as a negative int.
    [Test]
    public void ASubElementDeclaringMoreThanTwoGigabytesIsRefusedAsUnsupported()
    {
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.Double("abcde", [1, 1], [7]));
        // miMATRIX tag (8), flags (16), dimensions (16): the five-byte name's full tag is at byte 40, its length at 44.
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(matrix.AsSpan(40)), Is.EqualTo((uint)MatV5Writer.MiInt8));
        BinaryPrimitives.WriteUInt32LittleEndian(matrix.AsSpan(44), 3_000_000_000u);
        string path = WriteRaw("huge.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), matrix);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain("the array name declares 3,000,000,000 bytes, more than this reader supports"));
    }

    // Found by mutation testing (round 24A): a compressed array can declare 2³¹−1 bytes of uint8 values while holding
    // none, a few more values than one .NET array holds (2,147,483,591); ReadDoubles refuses it by name before
    // allocating anything.
    [Test]
    public void ReadingMoreValuesThanOneArrayHoldsIsRefusedByName()
    {
        const int count = 2_147_483_599;
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.DoubleStoredAsUInt8("big", [count, 1], []));
        // The empty real part's tag is the last 8 bytes: give it the count, and the matrix a length that covers it
        // (48 bytes of flags, dimensions, name and tag before it: 2³¹−1 in all).
        BinaryPrimitives.WriteInt32LittleEndian(matrix.AsSpan(matrix.Length - 4), count);
        BinaryPrimitives.WriteInt32LittleEndian(matrix.AsSpan(4), matrix.Length - 8 + count);
        using var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(matrix);
        string path = WriteRaw("big.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"),
            MatV5Writer.Tag(MatV5Writer.MiCompressed, (int)packed.Length), packed.ToArray());
        var file = MatFile.Open(path);
        Assert.That(file.GetVariable("big").ElementCount, Is.EqualTo(count));
        var ex = Assert.Throws<InvalidOperationException>(() => file.ReadDoubles("big"));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: 'big' has 2,147,483,599 elements, too many for one array."));
    }

    // Found by mutation testing (round 24A): a compressed element holds one miMATRIX; anything else inside it is
    // named by its data type rather than misread as the array's flags.
    [Test]
    public void ACompressedElementHoldingNoMatrixIsRefusedNamingWhatItHolds()
    {
        var inner = new byte[16];
        MatV5Writer.Tag(MatV5Writer.MiUInt8, 8).CopyTo(inner, 0);
        using var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(inner);
        string path = WriteRaw("bytes.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"),
            MatV5Writer.Tag(MatV5Writer.MiCompressed, (int)packed.Length), packed.ToArray());
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain("the compressed element holds data type 2 (UInt8), expected miMATRIX (14)"));
        Assert.That(ex.ByteOffset, Is.EqualTo(128), "a compressed element is reported at its own offset");
    }

    // Found by mutation testing (round 24A): the flags sub-element is exactly 8 bytes; one of 4 (padded to 8, so the
    // rest still lines up) is corruption, not flags to read from its first word.
    [Test]
    public void FlagsOfFourBytesAreRefused()
    {
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.Double("abcde", [1, 1], [7]));
        // The flags' tag follows the 8-byte miMATRIX tag: its length is at byte 12.
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(matrix.AsSpan(12)), Is.EqualTo(8));
        BinaryPrimitives.WriteInt32LittleEndian(matrix.AsSpan(12), 4);
        string path = WriteRaw("flags.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), matrix);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain("corrupt array: flags have type 6 and 4 bytes, expected miUINT32 (6) and 8 bytes"));
    }

    // Found by mutation testing (round 24A): a file cut one byte short of the 128-byte header (its endian indicator
    // half gone) is named as truncated there, not read past its end.
    [Test]
    public void AFileEndingOneByteShortOfTheHeaderIsTruncated()
    {
        string path = WriteRaw("short.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file").AsSpan(0, 127).ToArray());
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: truncated: the file ends at byte 127 inside the 128-byte MAT-file header."));
        Assert.That(ex.ByteOffset, Is.EqualTo(127));
    }

    // Found by mutation testing (round 37A): a small element at top level (its 4 data bytes inside its 8-byte tag) is
    // stepped over whole, so the variable after it is found at its own offset and read. Its data word, 1, would read
    // as the tag of a 14-byte miINT8 element if the scan stopped inside it.
    [Test]
    public void ASmallElementAtTopLevelIsSteppedOverWhole()
    {
        var small = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(small, (4u << 16) | MatV5Writer.MiUInt32);
        BinaryPrimitives.WriteUInt32LittleEndian(small.AsSpan(4), 1);
        string path = WriteRaw("small.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), small,
            MatV5Writer.MatrixElement(MatV5Writer.Double("y", [2, 1], [1.5, -2])));
        var file = MatFile.Open(path);
        Assert.That(file.Variables.Select(v => v.Name), Is.EqualTo(new[] { "y" }));
        Assert.That(file.Variables[0].ElementOffset, Is.EqualTo(136));
        Assert.That(file.ReadDoubles("y"), Is.EqualTo(new[] { 1.5, -2 }));
    }

    // Found by mutation testing (round 37A): the header's text is its first 116 bytes; the 8-byte subsystem-data
    // offset after them is binary and no part of it.
    [Test]
    public void HeaderTextStopsBeforeTheSubsystemDataOffset()
    {
        var header = MatV5Writer.Header("MATLAB 5.0 MAT-file, Platform: GLNXA64");
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(116), 0x4142);
        string path = WriteRaw("subsystem.mat", header);
        Assert.That(MatFile.Open(path).HeaderText, Is.EqualTo("MATLAB 5.0 MAT-file, Platform: GLNXA64"));
    }

    // Found by mutation testing (round 37A): dimensions are 4-byte integers, so a dimensions element of 10 bytes is
    // corrupt, though its first 8 bytes read as two dimensions. The message and the offset point after its tag.
    [Test]
    public void DimensionsOfAByteCountNotAMultipleOfFourAreRefused()
    {
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.Double("abcde", [2, 1], [1, 2]));
        // miMATRIX tag (8), flags (16): the dimensions' tag is at byte 24 of the element, its length at 28.
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(matrix.AsSpan(28)), Is.EqualTo(8));
        BinaryPrimitives.WriteInt32LittleEndian(matrix.AsSpan(28), 10);
        string path = WriteRaw("dims.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), matrix);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        // The element's data starts at byte 136; the dimensions' tag ends 24 bytes into it.
        Assert.That(ex!.Message, Is.EqualTo(
            $"{path}: corrupt array: dimensions have type 5 and 10 bytes, expected miINT32 (5) and at least two dimensions (at byte 160)."));
        Assert.That(ex.ByteOffset, Is.EqualTo(160));
    }

    // Found by mutation testing (round 37A): an array's name is miINT8; a name of another type is corruption, named
    // with the byte after its tag (the element's data starts at 136, the name's tag ends 40 bytes into it).
    [Test]
    public void ANameOfAnotherTypeThanInt8IsRefusedWhereItsTagEnds()
    {
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.Double("abcdefgh", [1, 1], [7]));
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(matrix.AsSpan(40)), Is.EqualTo(MatV5Writer.MiInt8));
        BinaryPrimitives.WriteInt32LittleEndian(matrix.AsSpan(40), MatV5Writer.MiUInt8);
        string path = WriteRaw("name.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), matrix);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: corrupt array: the name has type 2, expected miINT8 (1) (at byte 176)."));
        Assert.That(ex.ByteOffset, Is.EqualTo(176));
    }

    // Found by mutation testing (round 37A): a numeric array whose real part is not of a numeric data type (here
    // miUTF8, 16) is refused by that type, not by a size check that divides by a zero-byte value.
    [Test]
    public void ARealPartOfANonNumericDataTypeIsRefusedByItsType()
    {
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.Double("abcdefgh", [1, 1], [7]));
        // The eight-byte name ends at byte 56 of the element, where the real part's tag starts.
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(matrix.AsSpan(56)), Is.EqualTo(MatV5Writer.MiDouble));
        BinaryPrimitives.WriteInt32LittleEndian(matrix.AsSpan(56), 16);
        string path = WriteRaw("utf8.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), matrix);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Is.EqualTo(
            $"{path}: corrupt array 'abcdefgh': real part has data type 16, which is not numeric (at byte 192)."));
    }

    // Found by mutation testing (round 37A): a plain element cut inside its flags says how many bytes are missing (6
    // of 8), not how many it got (2), and where the data ran out.
    [Test]
    public void AnElementEndingInsideItsFlagsSaysHowManyBytesAreMissing()
    {
        var cut = MatV5Writer.MatrixElement(MatV5Writer.Double("y", [1, 1], [7])).AsSpan(0, 18).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(cut.AsSpan(4), 10);
        string path = WriteRaw("cut.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), cut);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: corrupt element: it ends 6 bytes short while reading the array flags (at byte 146)."));
        Assert.That(ex.ByteOffset, Is.EqualTo(146));
    }

    // Found by mutation testing (round 37A): the same for a compressed element whose data stop inside the flags; the
    // position is in the decompressed data (8 + 8 + 2 bytes) and the offset is the element's own.
    [Test]
    public void ACompressedElementEndingInsideItsFlagsSaysHowManyBytesAreMissing()
    {
        var inner = MatV5Writer.MatrixElement(MatV5Writer.Double("y", [1, 1], [7])).AsSpan(0, 18).ToArray();
        using var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(inner);
        string path = WriteRaw("cut.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"),
            MatV5Writer.Tag(MatV5Writer.MiCompressed, (int)packed.Length), packed.ToArray());
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.StartWith(
            $"{path}: corrupt or truncated compressed element: its data ended 6 bytes short while reading the array flags " +
            "(at byte 18 of the decompressed data of the compressed element at byte 128 (compressed input read up to byte "));
        Assert.That(ex.ByteOffset, Is.EqualTo(128));
    }

    // Found by mutation testing (round 37A): looking a name up in a file without variables says so.
    [Test]
    public void LookingUpANameInAFileWithoutVariablesSaysItHoldsNone()
    {
        string path = WriteRaw("empty.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"));
        var file = MatFile.Open(path);
        Assert.That(file.Variables, Is.Empty);
        var ex = Assert.Throws<DatasetFormatException>(() => file.GetVariable("y"));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: no variable 'y'; the file holds no variables."));
    }

    // Found by mutation testing (round 37A): the variables listed for a missing name say which are compressed.
    [Test]
    public void TheVariablesListedForAMissingNameSayWhichAreCompressed()
    {
        string path = Temp.Combine("z.mat");
        MatV5Writer.Write(path, compressed: true, MatV5Writer.UInt8("X", [2, 3], [1, 2, 3, 4, 5, 6]));
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path).GetVariable("y"));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: no variable 'y'; the file holds X: uint8 2×3 (compressed)."));
    }

    // Found by mutation testing (round 37A): the element limit keeps elements × 8 bytes inside a long, so exactly 2⁶⁰
    // elements (2⁶³ bytes of doubles) are refused by it; they used to pass it, and the size check then reported a
    // wrapped, negative byte count. One element fewer passes the limit and meets the size check with its true count.
    [Test]
    public void ExactlyTwoToTheSixtyElementsAreRefusedByTheLimitNotWithAWrappedByteCount()
    {
        string path = Write("limit.mat", MatV5Writer.Double("A", [1 << 30, 1 << 30], []));
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain("dimensions 1073741824×1073741824 describe 2⁶⁰ elements or more").And.Not.Contain("-9,223,372,036,854,775,808"));
        string below = Write("below.mat", MatV5Writer.Double("A", [(1 << 30) - 1, 1 << 30], []));
        var under = Assert.Throws<DatasetFormatException>(() => MatFile.Open(below));
        Assert.That(under!.Message, Does.Contain("need 1,152,921,503,533,105,152 values of 8 bytes (9,223,372,028,264,841,216 bytes)"));
    }

    // Found by mutation testing (round 37A): a struct asked for its values is refused naming its class in MATLAB's
    // spelling, at the offset of its element.
    [Test]
    public void ReadingAStructsValuesIsRefusedNamingItsClass()
    {
        string path = Write("struct.mat", new MatV5Writer.Array("s", MatV5Writer.MxStruct, [1, 1], MatV5Writer.MiUInt8, []));
        var file = MatFile.Open(path);
        var ex = Assert.Throws<DatasetFormatException>(() => file.ReadDoubles("s"));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: variable 's' is a struct array; only numeric arrays are read."));
        Assert.That(ex.ByteOffset, Is.EqualTo(128));
    }

    // Found by mutation testing (round 37A): a top-level element cut short says how many bytes it declares, where the
    // file ends and how many bytes are missing.
    [Test]
    public void AnElementCutShortSaysHowManyBytesAreMissing()
    {
        // flags (16), dimensions (16), a small name (8), the real part's tag (8) and two doubles (16): 64 bytes of data.
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.Double("y", [2, 1], [1, 2]));
        Assert.That(matrix.Length, Is.EqualTo(8 + 64));
        string path = WriteRaw("cut.mat", MatV5Writer.Header("MATLAB 5.0 MAT-file"), matrix[..^5]);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Is.EqualTo(
            $"{path}: truncated: the element at byte 128 declares 64 bytes of data, but the file ends at byte 195 (5 bytes short)."));
        Assert.That(ex.ByteOffset, Is.EqualTo(195));
    }

    // Found by mutation testing (round 37A): a folder where the MAT-file belongs is named as a folder by the reader
    // itself, not reported as a file that does not exist.
    [Test]
    public void AFolderInPlaceOfTheFileIsNamedAsAFolder()
    {
        string path = Temp.Combine("folder.mat");
        Directory.CreateDirectory(path);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Is.EqualTo($"'{path}' is a folder; expected a MAT-file."));
    }
}
