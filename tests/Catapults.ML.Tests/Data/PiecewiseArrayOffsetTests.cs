using Catapults.ML.Data;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// The filler learns where each piece goes: a caller that reports how many values arrived before a short read (the
/// safetensors reader does) needs the offset of the piece in the whole array, not within the piece.
/// </summary>
public sealed class PiecewiseArrayOffsetTests
{
    [Test]
    public void EachPieceIsGivenItsOffsetInTheWholeArray()
    {
        const int count = 3 * PiecewiseArray.PieceLength + 123;
        var offsets = new List<long>();
        var values = PiecewiseArray.Read<long>(count, (piece, offset) =>
        {
            offsets.Add(offset);
            for (int i = 0; i < piece.Length; i++) piece[i] = offset + i;
        });
        Assert.That(values, Has.Length.EqualTo(count));
        for (int i = 0; i < count; i++)
            if (values[i] != i) Assert.Fail($"value {i} is {values[i]}");
        Assert.That(offsets, Is.EqualTo(new long[] { 0, PiecewiseArray.PieceLength, 2L * PiecewiseArray.PieceLength, 3L * PiecewiseArray.PieceLength }));
    }

    // Found by mutation testing (round 24A): a negative count (a damaged declaration) is refused as the documented
    // ArgumentOutOfRangeException, before any array is sized from it.
    [Test]
    public void ANegativeCountIsRefusedAsOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PiecewiseArray.Read<byte>(-1, (_, _) => Assert.Fail("nothing to fill")));
        Assert.That(ex!.ActualValue, Is.EqualTo(-1L));
    }
}
