using Catapults.ML.Data;

namespace Catapults.Pipelines.Data;

/// <summary>Which columns of an IDataView or DataFrame become an engine <see cref="TensorDataset"/>, and how.</summary>
public sealed class TensorConversionOptions
{
    /// <summary>
    /// Feature columns, concatenated in this order: numeric scalars or numeric vectors of known size. Default
    /// ["Features"]. Null takes every visible column except the label, all of which must then be numeric (a column
    /// left out would be lost without a word); for a DataFrame, so does the default when it has no "Features" column.
    /// </summary>
    public IReadOnlyList<string>? FeatureColumnNames { get; set; } = ["Features"];

    /// <summary>Label column. Default "Label".</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// Target kind. Default null: inferred from the label type — key, Boolean and integer labels become class
    /// indices (a key's index is its value − 1; false/true are 0/1), floating-point scalars and vectors become
    /// regression targets [n, 1] / [n, K]. Forcing <see cref="TargetKind.Regression"/> turns keys and integers into
    /// their numeric value (key − 1) and Booleans into −1/+1; forcing <see cref="TargetKind.ClassIndex"/> needs
    /// whole numbers ≥ 0.
    /// </summary>
    public TargetKind? Targets { get; set; }

    /// <summary>Shape of one sample, e.g. [3, 32, 32]; its product must equal the feature count. Default null: flat [n, d].</summary>
    public IReadOnlyList<long>? SampleShape { get; set; }

    /// <summary>Dataset name for messages. Default "dataview" / "dataframe".</summary>
    public string? Name { get; set; }
}
