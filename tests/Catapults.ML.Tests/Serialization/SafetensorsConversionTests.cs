using Catapults.ML.Serialization;
using TorchSharp;

namespace Catapults.ML.Tests.Serialization;

/// <summary>
/// F16 and BF16 tensors convert to the float32 values their bits encode, and an export scale multiplies. Found by
/// mutation testing (6 Dec 2026): BF16 shifted by 8 bits, F16 read as Int16 and a scale that divided passed every test.
/// </summary>
public sealed class SafetensorsConversionTests
{
    private static readonly float[] Values = { 1.5f, -2.25f, 0.125f, 300f };

    [Test]
    public void Float16ValuesConvertExactly()
    {
        var bytes = Values.SelectMany(v => BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)v))).ToArray();
        var t = new SafetensorsTensor("w", SafetensorsDataType.F16, new long[] { Values.Length }, bytes);
        Assert.That(t.ToSingles(), Is.EqualTo(Values));
    }

    [Test]
    public void BFloat16ValuesConvertExactly()
    {
        // bfloat16 is the upper half of float32's bits; these values have zero lower halves.
        var bytes = Values.SelectMany(v => BitConverter.GetBytes((ushort)(BitConverter.SingleToUInt32Bits(v) >> 16))).ToArray();
        var t = new SafetensorsTensor("w", SafetensorsDataType.BF16, new long[] { Values.Length }, bytes);
        Assert.That(t.ToSingles(), Is.EqualTo(Values));
    }

    [Test]
    public void ToSinglesMultipliesByTheFactor()
    {
        using var t = torch.tensor(new float[] { 1f, -2f, 3f });
        Assert.That(ModelWeights.ToSingles(t, 2.0), Is.EqualTo(new[] { 2f, -4f, 6f }));
    }
}
