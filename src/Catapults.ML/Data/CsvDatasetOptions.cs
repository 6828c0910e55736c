namespace Catapults.ML.Data;

/// <summary>How <see cref="CsvDatasetReader"/> reads a CSV file of numbers.</summary>
public sealed class CsvDatasetOptions
{
    /// <summary>True when the first line names the columns. Default true. Without a header, columns are named "column1", "column2", ….</summary>
    public bool HasHeader { get; set; } = true;

    /// <summary>Field separator. Default ','.</summary>
    public char Separator { get; set; } = ',';

    /// <summary>Target columns by name. Default null: the last column.</summary>
    public IReadOnlyList<string>? TargetColumns { get; set; }

    /// <summary>Feature columns by name, in the order wanted. Default null: every column that is not a target.</summary>
    public IReadOnlyList<string>? FeatureColumns { get; set; }

    /// <summary>Target kind. Default <see cref="TargetKind.Regression"/>; <see cref="TargetKind.ClassIndex"/> needs one target column.</summary>
    public TargetKind Targets { get; set; } = TargetKind.Regression;

    /// <summary>Dataset name for messages. Default: the file name.</summary>
    public string? Name { get; set; }
}
