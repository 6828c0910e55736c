using Catapults.ML.Data;
using Catapults.ML.Runtime;
using Catapults.Pipelines.Prediction;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Streams an IDataView into a <see cref="TensorDataset"/>: features are copied into a flat float buffer a block of
/// rows at a time and each block goes into the feature tensor in one copy (no tensor per row). Non-finite features
/// and unusable labels are rejected with the row number.
/// </summary>
internal static class TrainingDataReader
{
    /// <summary>Floats per block (4 MiB).</summary>
    internal const int BlockElements = 1 << 20;

    public static TensorDataset Read(IDataView data, DataViewSchema.Column features, int dimension, DataViewSchema.Column label,
        TargetEncoding encoding, int classCount, string name, int blockElements = BlockElements)
    {
        TorchRuntime.EnsureLoaded();
        long? expected = data.GetRowCount();
        if (expected > int.MaxValue) throw new ArgumentException($"The training data has {expected} rows; at most {int.MaxValue} are supported.", nameof(data));
        int blockRows = Math.Max(1, blockElements / dimension);

        using var scope = torch.NewDisposeScope();
        Tensor? whole = expected is long n && n > 0 ? torch.empty(new long[] { n, dimension }, ScalarType.Float32) : null;
        var blocks = new List<Tensor>();
        var block = new float[(long)blockRows * dimension];
        var floatTargets = new List<float>();
        var indexTargets = new List<long>();

        using (var cursor = data.GetRowCursor(new[] { features, label }))
        {
            var featureGetter = cursor.GetGetter<VBuffer<float>>(features);
            var readLabel = LabelReader(cursor, label, encoding, classCount, floatTargets, indexTargets);
            var vector = default(VBuffer<float>);
            long row = 0;
            int inBlock = 0;
            long written = 0;

            void Flush()
            {
                if (inBlock == 0) return;
                if (whole is not null)
                {
                    if (written + inBlock > whole.shape[0])
                        throw new InvalidOperationException($"The input view reported {whole.shape[0]} rows but returned more.");
                    whole.data<float>().CopyFrom(new ReadOnlySpan<float>(block, 0, inBlock * dimension), 0, written * dimension);
                }
                else
                {
                    var copy = inBlock == blockRows ? block : block.AsSpan(0, inBlock * dimension).ToArray();
                    blocks.Add(torch.tensor(copy, new long[] { inBlock, dimension }).clone());
                }
                written += inBlock;
                inBlock = 0;
            }

            while (cursor.MoveNext())
            {
                featureGetter(ref vector);
                FeatureVectors.CopyFinite(in vector, block.AsSpan(inBlock * dimension, dimension), $"Feature column '{features.Name}'", row,
                    "training", nameof(data));
                readLabel(row);
                row++;
                if (++inBlock == blockRows) Flush();
            }
            Flush();
            if (row == 0) throw new ArgumentException("The training data has no rows.", nameof(data));

            Tensor x = whole is not null
                ? (written == whole.shape[0] ? whole : whole.narrow(0, 0, written).clone())
                : blocks.Count == 1 ? blocks[0] : torch.cat(blocks, 0);
            Tensor y = encoding switch
            {
                TargetEncoding.Value or TargetEncoding.SignedBoolean => torch.tensor(floatTargets.ToArray(), new long[] { row, 1 }),
                TargetEncoding.KeyOneHot => nn.functional.one_hot(torch.tensor(indexTargets.ToArray()), classCount).to_type(ScalarType.Float32),
                _ => torch.tensor(indexTargets.ToArray()),
            };
            return new TensorDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), name);
        }
    }

    private static Action<long> LabelReader(DataViewRowCursor cursor, DataViewSchema.Column label, TargetEncoding encoding,
        int classCount, List<float> floats, List<long> indices)
    {
        switch (encoding)
        {
            case TargetEncoding.Value:
            {
                var getter = cursor.GetGetter<float>(label);
                return row =>
                {
                    float value = 0;
                    getter(ref value);
                    if (!float.IsFinite(value))
                        throw new ArgumentException(
                            $"Label column '{label.Name}' holds {value} at row {row} (counted from 0). Remove rows without a label " +
                            "(e.g. mlContext.Data.FilterRowsByMissingValues) before training.", "data");
                    floats.Add(value);
                };
            }
            case TargetEncoding.SignedBoolean:
            case TargetEncoding.BooleanIndex:
            {
                var getter = cursor.GetGetter<bool>(label);
                bool signed = encoding == TargetEncoding.SignedBoolean;
                return _ =>
                {
                    bool value = false;
                    getter(ref value);
                    if (signed) floats.Add(value ? 1f : -1f);
                    else indices.Add(value ? 1 : 0);
                };
            }
            default:
            {
                var getter = cursor.GetGetter<uint>(label);
                return row =>
                {
                    uint key = 0;
                    getter(ref key);
                    if (key == 0 || key > classCount)
                        throw new ArgumentException(
                            $"Label column '{label.Name}' holds {(key == 0 ? "a missing key (0)" : $"key {key}")} at row {row} (counted from 0); " +
                            $"keys 1..{classCount} are expected. Remove rows whose class is unknown before training.", "data");
                    indices.Add(key - 1);
                };
            }
        }
    }
}
