using Catapults.ML.Data;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// The row writer stages about 2²⁰ floats at a time; rows of 2¹⁹ floats make blocks of two rows, so five rows span
/// three blocks, the last one partial. Every row must land in its own place and be updated exactly once.
/// </summary>
public sealed class TensorRowWriterBlockTests
{
    private const int RowLength = 1 << 19;
    private const int Rows = 5;

    [Test]
    public void RowsSpanningSeveralBlocksAreWrittenAndUpdatedOnceEach()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.zeros(Rows, RowLength);
        using (var writer = new TensorRowWriter(target))
        {
            for (int r = 0; r < Rows; r++)
            {
                var row = writer.NextRow();
                row.Fill(r + 1);
                row[RowLength - 1] = -(r + 1);
            }
            Assert.That(writer.Written, Is.EqualTo(Rows));
            Assert.Throws<InvalidOperationException>(() => writer.NextRow());
            writer.UpdateAll(row =>
            {
                for (int i = 0; i < row.Length; i++) row[i] *= 10;
            });
        }
        for (int r = 0; r < Rows; r++)
        {
            Assert.That(target[r, 0].ToSingle(), Is.EqualTo(10f * (r + 1)), $"row {r} first value");
            Assert.That(target[r, RowLength / 2].ToSingle(), Is.EqualTo(10f * (r + 1)), $"row {r} middle value");
            Assert.That(target[r, RowLength - 1].ToSingle(), Is.EqualTo(-10f * (r + 1)), $"row {r} last value");
        }
        // Each row is multiplied by 10 exactly once: the total is 10 × what was written.
        double written = Enumerable.Range(1, Rows).Sum(v => (double)v * (RowLength - 2));
        Assert.That(target.sum().ToDouble(), Is.EqualTo(10 * written).Within(1e-3).Percent);
    }
}
