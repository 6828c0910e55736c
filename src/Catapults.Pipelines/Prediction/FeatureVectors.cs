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
}
