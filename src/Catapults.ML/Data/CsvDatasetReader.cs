using System.Globalization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Data;

/// <summary>
/// Reads a CSV file of numbers into a <see cref="TensorDataset"/>. Every value must parse as a finite number
/// (invariant culture); anything else is an error naming the file, line, byte offset and column.
/// </summary>
public static class CsvDatasetReader
{
    // A message lists the header's columns up to this many characters: a file can have thousands.
    private const int ColumnListLength = 300;

    /// <summary>Reads <paramref name="path"/>; see <see cref="CsvDatasetOptions"/> for the columns used.</summary>
    public static TensorDataset Read(string path, CsvDatasetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new CsvDatasetOptions();
        OptionChecks.RequireDefined(options.Targets, "CsvDatasetOptions.Targets", nameof(options));
        path = Path.GetFullPath(path);
        DataRoot.RequireFile("CSV", path);

        using var lines = TextLineReader.ReadLines(path).Where(l => l.Text.Trim().Length > 0).GetEnumerator();
        if (!lines.MoveNext())
            throw new DatasetFormatException(path, $"{path}: the file is empty (no header, no rows).", 0);
        string[] columns;
        TextLine? first = null;
        var firstFields = SplitFields(path, lines.Current, options.Separator);
        if (options.HasHeader)
        {
            columns = firstFields.Select(f => f.Trim()).ToArray();
            var duplicate = columns.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw new DatasetFormatException(path, $"{path}: line 1: the header names column '{ErrorText.Excerpt(duplicate.Key)}' twice.", 0);
        }
        else
        {
            columns = Enumerable.Range(1, firstFields.Length).Select(i => $"column{i}").ToArray();
            first = lines.Current;
        }
        if (columns.Length < 2)
            throw new DatasetFormatException(path,
                $"{path}: line 1 has {columns.Length} column with separator '{options.Separator}'; at least a feature and a target are needed " +
                $"(found {FileFormatSniffer.DescribeFile(path)}).", 0);

        int[] targetIdx = Resolve(path, columns, options.TargetColumns ?? [columns[^1]], "target");
        int[] featureIdx = options.FeatureColumns is null
            ? Enumerable.Range(0, columns.Length).Where(i => !targetIdx.Contains(i)).ToArray()
            : Resolve(path, columns, options.FeatureColumns, "feature");
        if (featureIdx.Length == 0) throw new ArgumentException($"{path}: no feature columns remain after taking the targets.", nameof(options));
        var overlap = featureIdx.Intersect(targetIdx).ToArray();
        if (overlap.Length > 0)
            throw new ArgumentException($"{path}: column '{ErrorText.Excerpt(columns[overlap[0]])}' is both a feature and a target.", nameof(options));
        if (options.Targets == TargetKind.ClassIndex && targetIdx.Length != 1)
            throw new ArgumentException($"TargetKind.ClassIndex needs exactly one target column; {targetIdx.Length} were named.", nameof(options));

        var features = new List<float>();
        var targets = new List<float>();
        var classes = new List<long>();
        int rows = 0;
        IEnumerable<TextLine> Rows()
        {
            if (first is { } f) yield return f;
            while (lines.MoveNext()) yield return lines.Current;
        }
        foreach (var line in Rows())
        {
            var fields = SplitFields(path, line, options.Separator);
            if (fields.Length != columns.Length)
                throw new DatasetFormatException(path,
                    $"{path}: line {line.Number} (byte {line.ByteOffset:N0}) has {fields.Length} fields; expected {columns.Length} ({ErrorText.Excerpt(string.Join(", ", columns), ColumnListLength)}).",
                    line.ByteOffset);
            foreach (int i in featureIdx) features.Add((float)Parse(path, line, columns[i], fields[i]));
            if (options.Targets == TargetKind.ClassIndex)
            {
                double v = Parse(path, line, columns[targetIdx[0]], fields[targetIdx[0]]);
                if (v < 0 || v != Math.Floor(v) || v > int.MaxValue)
                    throw new DatasetFormatException(path,
                        $"{path}: line {line.Number} (byte {line.ByteOffset:N0}), column '{ErrorText.Excerpt(columns[targetIdx[0]])}': {ErrorText.Excerpt(fields[targetIdx[0]].Trim())} is not a class index (a whole number from 0 to 2147483647).",
                        line.ByteOffset);
                classes.Add((long)v);
            }
            else
            {
                foreach (int i in targetIdx) targets.Add((float)Parse(path, line, columns[i], fields[i]));
            }
            rows++;
        }
        if (rows == 0) throw new DatasetFormatException(path, $"{path}: the file has a header but no data rows.", new FileInfo(path).Length);

        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(features.ToArray(), [rows, featureIdx.Length]);
        var y = options.Targets == TargetKind.ClassIndex
            ? torch.tensor(classes.ToArray(), torch.ScalarType.Int64)
            : torch.tensor(targets.ToArray(), [rows, targetIdx.Length]);
        return new TensorDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), options.Name ?? Path.GetFileNameWithoutExtension(path));
    }

    private static int[] Resolve(string path, string[] columns, IReadOnlyList<string> names, string role)
    {
        if (names.Count == 0) throw new ArgumentException($"The list of {role} columns is empty.");
        return names.Select(n =>
        {
            int i = Array.IndexOf(columns, n);
            return i >= 0 ? i : throw new ArgumentException($"{path}: no {role} column '{ErrorText.Visible(n)}'; the columns are {ErrorText.Excerpt(string.Join(", ", columns), ColumnListLength)}.");
        }).ToArray();
    }

    private static double Parse(string path, TextLine line, string column, string field)
    {
        var text = field.Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new DatasetFormatException(path,
                $"{path}: line {line.Number} (byte {line.ByteOffset:N0}), column '{ErrorText.Excerpt(column)}': '{ErrorText.Excerpt(text)}' is not a number.", line.ByteOffset);
        if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            throw new DatasetFormatException(path,
                $"{path}: line {line.Number} (byte {line.ByteOffset:N0}), column '{ErrorText.Excerpt(column)}': {ErrorText.Excerpt(text)} is not a finite float value.", line.ByteOffset);
        return value;
    }

    // RFC 4180 fields: a field in double quotes may hold the separator, and "" inside it is one quote (pandas and Excel
    // quote a header such as "x,1" so); the quotes are not part of the value. The reader is line-based, so a quoted
    // field cannot span lines: one left open is refused here rather than miscounted as a row of too few fields.
    private static string[] SplitFields(string path, TextLine textLine, char separator)
    {
        string line = textLine.Text;
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false, wasQuoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
                wasQuoted = false;
            }
            else if (c == '"' && !wasQuoted && string.IsNullOrWhiteSpace(field.ToString()))
            {
                field.Clear();
                quoted = wasQuoted = true;
            }
            else field.Append(c);
        }
        if (quoted)
            throw new DatasetFormatException(path,
                $"{path}: line {textLine.Number} (byte {textLine.ByteOffset:N0}), field {fields.Count + 1}: the quoted field is not closed on this line " +
                "(a closing \" is expected; quoted fields that span lines are not supported).", textLine.ByteOffset);
        fields.Add(field.ToString());
        return fields.ToArray();
    }
}
