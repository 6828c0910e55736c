namespace Catapults.Pipelines.Prediction;

/// <summary>Copies feature vectors, dense or sparse, into flat float buffers.</summary>
internal static class FeatureVectors
{
    /// <summary>Writes <paramref name="source"/> densely into <paramref name="destination"/> (its length is the vector size).</summary>
    public static void CopyDense(in VBuffer<float> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
            throw new InvalidOperationException($"A feature vector has {source.Length} slots where {destination.Length} were expected.");
        var values = source.GetValues();
        if (source.IsDense)
        {
            values.CopyTo(destination);
            return;
        }
        destination.Clear();
        var indices = source.GetIndices();
        for (int i = 0; i < indices.Length; i++) destination[indices[i]] = values[i];
    }

    /// <summary>
    /// Writes row <paramref name="row"/> (counted from 0) of <paramref name="column"/> densely into
    /// <paramref name="destination"/> and checks it: exactly <c>destination.Length</c> slots, every value finite.
    /// </summary>
    /// <param name="source">The row's vector.</param>
    /// <param name="destination">Where the values go; its length is the size the reader expects.</param>
    /// <param name="column">How messages name the column, e.g. <c>Feature column 'Features'</c>.</param>
    /// <param name="row">The row's index, for messages.</param>
    /// <param name="what">What needs finite values, for messages, e.g. <c>training</c>.</param>
    /// <param name="paramName">The reader's parameter holding the data.</param>
    /// <exception cref="ArgumentException">The row has another size or holds a NaN or infinity.</exception>
    public static void CopyFinite(in VBuffer<float> source, Span<float> destination, string column, long row, string what, string paramName)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"{column} has {source.Length} slots at row {row}, expected {destination.Length}.", paramName);
        CopyDense(in source, destination);
        for (int j = 0; j < destination.Length; j++)
            if (!float.IsFinite(destination[j]))
                throw new ArgumentException(
                    $"{column} holds {destination[j]} at row {row} (counted from 0), slot {j}; {what} needs finite values. " +
                    "Remove or impute such values first (e.g. mlContext.Transforms.ReplaceMissingValues).", paramName);
    }
}
