using System.Buffers.Binary;
using Catapults.ML.Data;
using Catapults.ML.Data.Matlab;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// Values of the integer storage types MATLAB picks for small arrays, the reader's position bookkeeping, and
/// sub-elements whose declared sizes do not fit: each must come back as the number stored, or as a
/// <see cref="DatasetFormatException"/> rather than an exception from inside the reader.
/// </summary>
public sealed class MatArrayValueTests : TemporaryFolderTests
{
    private const int MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7, MiInt64 = 12, MiUInt64 = 13;

    private string Write(bool compressed, params MatV5Writer.Array[] arrays)
    {
        string path = Temp.Combine(compressed ? "z.mat" : "p.mat");
        MatV5Writer.Write(path, compressed, arrays);
        return path;
    }

    private string WriteRaw(byte[] matrix)
    {
        string path = Temp.Combine("raw.mat");
        using var file = File.Create(path);
        file.Write(MatV5Writer.Header("MATLAB 5.0 MAT-file"));
        file.Write(matrix);
        return path;
    }

    private static byte[] Int16s(short[] values)
    {
        var b = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(2 * i), values[i]);
        return b;
    }

    // MATLAB saves a double array whose values fit in a narrower integer type in that type; the sign is the type's.
    [TestCase(false)]
    [TestCase(true)]
    public void NarrowIntegerStorageKeepsItsSignedness(bool compressed)
    {
        string path = Write(compressed,
            new MatV5Writer.Array("i8", MatV5Writer.MxDouble, [1, 6], MatV5Writer.MiInt8, [0xFD, 0x80, 0x7F, 0x00, 0xFF, 0x01]),
            new MatV5Writer.Array("u16", MatV5Writer.MxDouble, [1, 3], MiUInt16, Int16s([-1, short.MinValue, 300])),
            new MatV5Writer.Array("i16", MatV5Writer.MxDouble, [1, 3], MiInt16, Int16s([-1, short.MinValue, 300])));
        var file = MatFile.Open(path);
        Assert.That(file.ReadDoubles("i8"), Is.EqualTo(new double[] { -3, -128, 127, 0, -1, 1 }));
        Assert.That(file.ReadDoubles("u16"), Is.EqualTo(new double[] { 65535, 32768, 300 }));
        Assert.That(file.ReadDoubles("i16"), Is.EqualTo(new double[] { -1, -32768, 300 }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void NegativeSkipIsRefused(bool compressed)
    {
        var file = MatFile.Open(Write(compressed, MatV5Writer.Double("y", [4, 1], [1, 2, 3, 4])));
        using var reader = file.OpenReal(file.GetVariable("y"));
        reader.Skip(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Skip(-1));
        Assert.That(reader.Position, Is.EqualTo(2), "a refused skip moves nothing");
        var rest = new double[2];
        reader.ReadDoubles(rest);
        Assert.That(rest, Is.EqualTo(new double[] { 3, 4 }));
    }

    // Verifying reads past every value not yet taken, so afterwards none is left.
    [TestCase(false)]
    [TestCase(true)]
    public void VerifyToEndLeavesNoValueUnread(bool compressed)
    {
        var file = MatFile.Open(Write(compressed, MatV5Writer.Double("y", [5, 1], [1, 2, 3, 4, 5])));
        using var reader = file.OpenReal(file.GetVariable("y"));
        var first = new double[1];
        reader.ReadDoubles(first);
        reader.VerifyToEnd();
        Assert.That(reader.Position, Is.EqualTo(reader.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadDoubles(new double[1]));
    }

    // A small element packs at most 4 data bytes into its tag; a count of 5 or 6 in the upper half of the tag is corruption.
    [TestCase(5u)]
    [TestCase(6u)]
    public void SmallElementDeclaringMoreThanFourBytesIsAFormatError(uint declared)
    {
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.Double("ab", [1, 1], [7]));
        // miMATRIX tag (8), flags (16), dimensions (16): the name's small tag is at byte 40.
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(matrix.AsSpan(40)), Is.EqualTo((2u << 16) | MatV5Writer.MiInt8));
        BinaryPrimitives.WriteUInt32LittleEndian(matrix.AsSpan(40), (declared << 16) | MatV5Writer.MiInt8);
        string path = WriteRaw(matrix);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain($"{declared} bytes").And.Contain("at most 4"));
    }

    // A struct's matrix whose declared length stops inside the padding after its name: the element is cut short.
    [Test]
    public void ElementEndingInsideTheNamePaddingIsAFormatError()
    {
        var matrix = MatV5Writer.MatrixElement(new MatV5Writer.Array("abcde", MatV5Writer.MxStruct, [1, 1], MatV5Writer.MiUInt8, []));
        // flags (16) + dimensions (16) + name tag (8) + "abcde" (5) + padding (3) = 48 bytes of body; claim 45.
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(matrix.AsSpan(4)), Is.GreaterThanOrEqualTo(48));
        var cut = matrix.AsSpan(0, 8 + 45).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(cut.AsSpan(4), 45);
        string path = WriteRaw(cut);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(ex!.Message, Does.Contain("the array name padding"));
    }

    // Bytes are handed over unconverted only when they are bytes: a double array read as bytes would be its encoding.
    [Test]
    public void BytesAreReadOnlyFromUInt8Storage()
    {
        var file = MatFile.Open(Write(false, MatV5Writer.Double("y", [2, 1], [1, 2])));
        using var reader = file.OpenReal(file.GetVariable("y"));
        var ex = Assert.Throws<InvalidOperationException>(() => reader.ReadBytes(new byte[2]));
        Assert.That(ex!.Message, Is.EqualTo("'y' is stored as Double, not UInt8; use ReadDoubles."));
    }

    // Found by mutation testing (round 24A): MATLAB packs up to 4 data bytes into the tag (a small element), so a
    // 1×1 value stored as uint8 ends its array with one; the tag's own data word must not count as bytes past the
    // end of the array.
    [TestCase(false)]
    [TestCase(true)]
    public void AOneValueArrayStoredInASmallElementIsRead(bool compressed)
    {
        string path = Write(compressed, MatV5Writer.DoubleStoredAsUInt8("y", [1, 1], [7]));
        Assert.That(MatFile.Open(path).ReadDoubles("y"), Is.EqualTo(new[] { 7.0 }));
    }

    private static byte[] Words(int size, int count, Action<byte[], int> write)
    {
        var b = new byte[size * count];
        for (int i = 0; i < count; i++) write(b, i);
        return b;
    }

    // Found by mutation testing (round 37A): the 4- and 8-byte storage types are read with their own sign and format,
    // the same bytes giving −1 as int32 and 2³²−1 as uint32, and a single read as a float, not as its bits.
    [TestCase(false)]
    [TestCase(true)]
    public void WideStorageTypesKeepTheirSignednessAndFormat(bool compressed)
    {
        int[] ints = [-1, int.MinValue, 300];
        long[] longs = [-1, long.MinValue];
        var int32 = Words(4, 3, (b, i) => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4 * i), ints[i]));
        var int64 = Words(8, 2, (b, i) => BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(8 * i), longs[i]));
        var single = Words(4, 2, (b, i) => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), i == 0 ? 1.5f : -0.1f));
        string path = Write(compressed,
            new MatV5Writer.Array("i32", MatV5Writer.MxDouble, [1, 3], MiInt32, int32),
            new MatV5Writer.Array("u32", MatV5Writer.MxDouble, [1, 3], MiUInt32, int32),
            new MatV5Writer.Array("f32", MatV5Writer.MxDouble, [2, 1], MiSingle, single),
            new MatV5Writer.Array("i64", MatV5Writer.MxDouble, [2, 1], MiInt64, int64),
            new MatV5Writer.Array("u64", MatV5Writer.MxDouble, [2, 1], MiUInt64, int64));
        var file = MatFile.Open(path);
        Assert.That(file.ReadDoubles("i32"), Is.EqualTo(new double[] { -1, -2147483648, 300 }));
        Assert.That(file.ReadDoubles("u32"), Is.EqualTo(new double[] { 4294967295, 2147483648, 300 }));
        Assert.That(file.ReadDoubles("f32"), Is.EqualTo(new double[] { 1.5, (double)-0.1f }));
        Assert.That(file.ReadDoubles("i64"), Is.EqualTo(new double[] { -1, -9223372036854775808.0 }));
        Assert.That(file.ReadDoubles("u64"), Is.EqualTo(new double[] { 18446744073709551615.0, 9223372036854775808.0 }));
    }

    // Found by mutation testing (round 37A): taking more values than remain is refused saying how many the array has
    // and how many are already read, and moves nothing.
    [TestCase(false)]
    [TestCase(true)]
    public void TakingMoreValuesThanRemainSaysHowManyAreLeft(bool compressed)
    {
        var file = MatFile.Open(Write(compressed, MatV5Writer.Double("y", [4, 1], [1, 2, 3, 4])));
        using var reader = file.OpenReal(file.GetVariable("y"));
        reader.Skip(2);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadDoubles(new double[3]));
        Assert.That(ex!.Message, Does.StartWith("'y' has 4 values and 2 are already read; cannot take 3 more."));
        Assert.That(reader.Position, Is.EqualTo(2));
    }
}
