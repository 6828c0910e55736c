namespace Catapults.Pipelines.Prediction;

/// <summary>The column values a row-to-row mapping adds or passes through, by output column.</summary>
internal interface IOutputGetters
{
    /// <summary>Whether <paramref name="column"/> was requested.</summary>
    bool IsActive(DataViewSchema.Column column);

    /// <summary>The getter of <paramref name="column"/>; throws for an inactive column or the wrong type.</summary>
    ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column);
}
