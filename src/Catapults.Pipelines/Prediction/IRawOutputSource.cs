namespace Catapults.Pipelines.Prediction;

/// <summary>The raw network outputs f(x) of the row a getter is asked about (computed on demand).</summary>
internal interface IRawOutputSource
{
    /// <summary>f(x) of the current row, O values.</summary>
    ReadOnlySpan<float> Current();
}
