using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = Catapults.ML.Data.TensorDataset;

namespace Catapults.ML.Tests.Support;

/// <summary>A dataset whose single feature is each row's own index, so a batch's features show which rows it drew.</summary>
public static class RowIndexData
{
    /// <summary><paramref name="rows"/> rows: features 0, 1, …, rows − 1 in one column, targets 0.</summary>
    public static TensorDataset Of(int rows, string name = "probe") =>
        new(torch.arange(rows, dtype: ScalarType.Float32).reshape(rows, 1), torch.zeros(rows, 1), name);
}
