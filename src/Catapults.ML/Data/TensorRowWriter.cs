using System.Runtime.InteropServices;

namespace Catapults.ML.Data;

/// <summary>Changes one row in place.</summary>
internal delegate void RowUpdate(Span<float> row);

/// <summary>
/// Fills a contiguous CPU float32 tensor [n, d] row by row without a managed copy of the whole of it: rows are
/// written into a small managed block (a few MB), which is copied into the tensor's native memory one block at a
/// time (one span over native memory cannot cover more than 2 GB, and reaching it costs native calls).
/// </summary>
internal sealed class TensorRowWriter : IDisposable
{
    private readonly Tensor _target;
    private readonly int _rowLength;
    private readonly int _rowsPerBlock;
    private readonly float[] _staging;
    private long _blockStart;
    private int _rowsStaged;

    public TensorRowWriter(Tensor target)
    {
        if (target.dim() != 2 || target.dtype != ScalarType.Float32 || target.device_type != DeviceType.CPU || !target.is_contiguous())
            throw new ArgumentException("TensorRowWriter needs a contiguous CPU float32 tensor [n, d].", nameof(target));
        _target = target;
        _rowLength = checked((int)target.shape[1]);
        _rowsPerBlock = (int)Math.Clamp((1L << 20) / Math.Max(1, _rowLength), 1, Math.Max(1, target.shape[0]));
        _staging = new float[(long)_rowsPerBlock * _rowLength];
    }

    /// <summary>Rows written so far.</summary>
    public long Written => _blockStart + _rowsStaged;

    /// <summary>The memory for the next row, to be filled before the next call.</summary>
    public Span<float> NextRow()
    {
        if (Written >= _target.shape[0]) throw new InvalidOperationException($"All {_target.shape[0]} rows are written.");
        if (_rowsStaged == _rowsPerBlock) Flush();
        return _staging.AsSpan(_rowsStaged++ * _rowLength, _rowLength);
    }

    /// <summary>Copies the staged rows into the tensor.</summary>
    public void Flush()
    {
        if (_rowsStaged == 0) return;
        using (var block = _target.narrow(0, _blockStart, _rowsStaged))
            _staging.AsSpan(0, _rowsStaged * _rowLength).CopyTo(MemoryMarshal.Cast<byte, float>(block.bytes));
        _blockStart += _rowsStaged;
        _rowsStaged = 0;
    }

    /// <summary>Applies <paramref name="update"/> to every row already written (flushing first).</summary>
    public void UpdateAll(RowUpdate update)
    {
        Flush();
        long rows = _blockStart;
        for (long start = 0; start < rows; start += _rowsPerBlock)
        {
            int count = (int)Math.Min(_rowsPerBlock, rows - start);
            using var block = _target.narrow(0, start, count);
            var memory = MemoryMarshal.Cast<byte, float>(block.bytes);
            for (int r = 0; r < count; r++) update(memory.Slice(r * _rowLength, _rowLength));
        }
    }

    public void Dispose() => Flush();
}
