namespace Catapults.Pipelines.Features;

/// <summary>An AGOP feature transformer applied to one input schema: the input columns, then the feature column.</summary>
internal sealed class AgopFeatureBinding
{
    public AgopFeatureBinding(DataViewSchema input, DataViewSchema.Column inputColumn, AgopFeatureTransformer transformer)
    {
        InputSchema = input;
        InputColumn = inputColumn;
        Transformer = transformer;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        builder.AddColumn(transformer.OutputColumnName, transformer.OutputType);
        OutputSchema = builder.ToSchema();
    }

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }
    public DataViewSchema.Column InputColumn { get; }
    public AgopFeatureTransformer Transformer { get; }
    public int OutputIndex => InputSchema.Count;

    public bool[] ActiveFlags(IEnumerable<DataViewSchema.Column> columns)
    {
        var active = new bool[OutputSchema.Count];
        foreach (var column in columns)
        {
            if (column.Index < 0 || column.Index >= OutputSchema.Count || OutputSchema[column.Index].Name != column.Name)
                throw new ArgumentOutOfRangeException(nameof(columns), $"Column '{column.Name}' (index {column.Index}) is not a column of this output schema.");
            active[column.Index] = true;
        }
        return active;
    }

    /// <summary>The input columns the active output columns depend on.</summary>
    public List<DataViewSchema.Column> Dependencies(bool[] active)
    {
        var needed = new bool[InputSchema.Count];
        for (int i = 0; i < InputSchema.Count; i++) needed[i] = active[i];
        if (active[OutputIndex]) needed[InputColumn.Index] = true;
        return InputSchema.Where(c => needed[c.Index]).ToList();
    }
}
