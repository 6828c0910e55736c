using Catapults.ML.Serialization;

namespace Catapults.ML.Tests.Serialization;

public sealed class SafetensorsTensorTests
{
    // I8 is two's complement: 0xFF is −1 and 0x80 is −128, as torch.int8 and numpy's int8 store them.
    [Test]
    public void SignedBytesConvertWithTheirSign()
    {
        var tensor = new SafetensorsTensor("q", SafetensorsDataType.I8, new long[] { 4 }, new byte[] { 0xFF, 0x80, 0x7F, 0x00 });
        Assert.That(tensor.ToSingles(), Is.EqualTo(new[] { -1f, -128f, 127f, 0f }));
        var unsigned = new SafetensorsTensor("u", SafetensorsDataType.U8, new long[] { 2 }, new byte[] { 0xFF, 0x80 });
        Assert.That(unsigned.ToSingles(), Is.EqualTo(new[] { 255f, 128f }));
    }

    // Any non-zero byte is true, as C, NumPy (a bool array viewed from uint8) and PyTorch's .bool() read it.
    [Test]
    public void EveryNonZeroBoolByteIsTrue()
    {
        var tensor = new SafetensorsTensor("mask", SafetensorsDataType.BOOL, new long[] { 4 }, new byte[] { 0, 1, 2, 0xFF });
        Assert.That(tensor.ToSingles(), Is.EqualTo(new[] { 0f, 1f, 1f, 1f }));
    }

    // I16 takes two bytes an element and I32 four, both little-endian two's complement.
    [Test]
    public void SixteenAndThirtyTwoBitIntegersConvertWithTheirWidths()
    {
        var i16 = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(i16, -2);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(i16.AsSpan(2), 300);
        Assert.That(new SafetensorsTensor("a", SafetensorsDataType.I16, new long[] { 2 }, i16).ToSingles(), Is.EqualTo(new[] { -2f, 300f }));
        var i32 = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(i32, -70000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(i32.AsSpan(4), 1 << 20);
        Assert.That(new SafetensorsTensor("b", SafetensorsDataType.I32, new long[] { 2 }, i32).ToSingles(), Is.EqualTo(new[] { -70000f, 1048576f }));
        Assert.That(SafetensorsTensor.ElementSize(SafetensorsDataType.I16), Is.EqualTo(2));
        Assert.That(SafetensorsTensor.ElementSize(SafetensorsDataType.I32), Is.EqualTo(4));
    }

    // The data must be exactly the shape's size: a byte too many is refused as surely as one too few.
    [TestCase(3)]
    [TestCase(5)]
    public void DataOfAnotherSizeThanTheShapeIsRefused(int bytes)
    {
        var ex = Assert.Throws<ArgumentException>(() => new SafetensorsTensor("w", SafetensorsDataType.F32, new long[] { 1 }, new byte[bytes]));
        Assert.That(ex!.ParamName, Is.EqualTo("data"));
        Assert.That(ex.Message, Does.StartWith($"Tensor 'w' (F32 [1]) needs 4 bytes, got {bytes}."));
    }

    // Two negative dimensions multiply to a positive element count; the shape is refused all the same.
    [Test]
    public void ANegativeDimensionIsRefusedEvenWhenTheDataFitsItsProduct()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SafetensorsTensor("w", SafetensorsDataType.F32, new long[] { -1, -1 }, new byte[4]));
        Assert.That(ex!.ParamName, Is.EqualTo("shape"));
        Assert.That(ex.Message, Does.StartWith("Tensor 'w' has a negative dimension in [-1, -1]."));
    }

    // F64 and I64 take eight bytes an element: every element after the first is read at its own offset.
    [Test]
    public void SixtyFourBitElementsConvertAtTheirOwnOffsets()
    {
        var f64 = new byte[24];
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(f64, 0.5);
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(f64.AsSpan(8), -3.25);
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(f64.AsSpan(16), 1024.0);
        Assert.That(new SafetensorsTensor("d", SafetensorsDataType.F64, new long[] { 3 }, f64).ToSingles(), Is.EqualTo(new[] { 0.5f, -3.25f, 1024f }));
        var i64 = new byte[24];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(i64, -7);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(i64.AsSpan(8), 1L << 40);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(i64.AsSpan(16), 3);
        Assert.That(new SafetensorsTensor("n", SafetensorsDataType.I64, new long[] { 3 }, i64).ToSingles(), Is.EqualTo(new[] { -7f, 1099511627776f, 3f }));
    }

    // The tensor keeps its own copy of the shape: a caller reusing its array for the next tensor changes nothing here.
    [Test]
    public void TheShapeIsTheOneGivenEvenAfterTheCallersArrayChanges()
    {
        var shape = new long[] { 2, 1 };
        var tensor = SafetensorsTensor.FromSingles("w", shape, new[] { 1f, 2f });
        shape[0] = 1;
        shape[1] = 2;
        Assert.That(tensor.Shape, Is.EqualTo(new long[] { 2, 1 }));
    }
}
