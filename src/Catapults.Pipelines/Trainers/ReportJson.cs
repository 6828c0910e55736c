using System.Text.Json;
using System.Text.Json.Nodes;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;

using Catapults.Pipelines.Persistence;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// A training report as JSON: <c>{"result": {...}, "model": {...}, "tables": {"steps": table, name: table, ...}}</c>,
/// with tables in <see cref="TableJson"/>'s layout. Every table of <see cref="TrainingReport.Tables"/> is written and
/// read back, so new report tables need no format change.
/// </summary>
internal static class ReportJson
{
    public static JsonObject Write(TrainingReport report)
    {
        var r = report.Result;
        var result = new JsonObject
        {
            ["outcome"] = r.Outcome.ToString(),
            ["steps"] = r.Steps,
            ["epochs"] = r.Epochs,
            ["finalTrainingLoss"] = r.FinalTrainingLoss is double l ? TableJson.Number(l) : null,
            ["wallTimeSeconds"] = r.WallTime.TotalSeconds,
            ["divergence"] = r.Divergence is { } d
                ? new JsonObject
                {
                    ["step"] = d.Step,
                    ["lastFiniteLoss"] = d.LastFiniteLoss is double last ? TableJson.Number(last) : null,
                    ["offendingLoss"] = d.OffendingLoss is double offending ? TableJson.Number(offending) : null,
                    ["reason"] = d.Reason,
                }
                : null,
            ["realisedSchedule"] = ScheduleNode(r.RealisedSchedule),
        };
        var m = report.Model;
        var model = new JsonObject
        {
            ["description"] = m.ModelDescription,
            ["parameterCount"] = m.ParameterCount,
            ["trainingRowCount"] = m.TrainingRowCount,
            ["featureCount"] = m.FeatureCount,
            ["loss"] = m.Loss,
        };
        var tables = new JsonObject { [TrainingReport.StepsTableName] = TableJson.Write(report.StepsToDataFrame()) };
        foreach (var (name, table) in report.Tables) tables[name] = TableJson.Write(table);
        return new JsonObject { ["result"] = result, ["model"] = model, ["tables"] = tables };
    }

    // A schedule that describes itself (constant, milestones, warm-up and decay) is kept; a caller's own schedule type
    // has no JSON form, and the report then keeps no realised schedule. (The trainer realises an AdjustableSchedule as
    // milestones.)
    private static JsonNode? ScheduleNode(ILearningRateSchedule? schedule) =>
        schedule is ConstantSchedule or MilestoneSchedule or WarmupDecaySchedule ? JsonSerializer.SerializeToNode(schedule) : null;

    /// <exception cref="InvalidDataException">A field is missing or of the wrong kind; the message names <paramref name="what"/> and the field.</exception>
    public static TrainingReport Read(JsonObject json, string what)
    {
        JsonFields.RequireKnown(json, what, "result", "model", "tables");
        var r = JsonFields.RequiredObject(json, "result", what);
        string inResult = $"{what}: result";
        JsonFields.RequireKnown(r, inResult, "outcome", "steps", "epochs", "finalTrainingLoss", "wallTimeSeconds", "divergence", "realisedSchedule");
        DivergenceInfo? divergence = null;
        if (r["divergence"] is JsonObject d)
        {
            string inDivergence = $"{inResult}.divergence";
            JsonFields.RequireKnown(d, inDivergence, "step", "lastFiniteLoss", "offendingLoss", "reason");
            // Reports written before these were nullable stored NaN for "none"; a last finite loss is never NaN.
            double? last = OptionalDouble(d, "lastFiniteLoss", inDivergence);
            divergence = new DivergenceInfo(JsonFields.RequiredCount(d, "step", inDivergence), last is double l && double.IsNaN(l) ? null : last,
                OptionalDouble(d, "offendingLoss", inDivergence), JsonFields.Required<string>(d, "reason", inDivergence));
        }
        ILearningRateSchedule? schedule;
        try
        {
            schedule = r["realisedSchedule"] is { } s ? s.Deserialize<ILearningRateSchedule>() : null;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"{inResult}.realisedSchedule cannot be read ({ex.Message}).", ex);
        }
        var result = new TrainingResult(
            JsonFields.RequiredEnum<TrainingOutcome>(r, "outcome", inResult),
            JsonFields.RequiredCount(r, "steps", inResult),
            JsonFields.RequiredCount(r, "epochs", inResult),
            r["finalTrainingLoss"] is null ? null : Double(r, "finalTrainingLoss", inResult),
            divergence,
            TimeSpan.FromSeconds(WallSeconds(r, inResult)))
        {
            RealisedSchedule = schedule,
        };
        string inModel = $"{what}: model";
        var m = JsonFields.RequireKnown(JsonFields.RequiredObject(json, "model", what), inModel,
            "description", "parameterCount", "trainingRowCount", "featureCount", "loss");
        var model = new TrainingModelInfo(JsonFields.Required<string>(m, "description", inModel), JsonFields.Required<long>(m, "parameterCount", inModel),
            JsonFields.RequiredCount(m, "trainingRowCount", inModel), JsonFields.RequiredCount(m, "featureCount", inModel),
            JsonFields.Required<string>(m, "loss", inModel));

        var tables = new Dictionary<string, DataFrame>(StringComparer.Ordinal);
        List<LoggedStep> steps = new();
        foreach (var (name, node) in JsonFields.RequiredObject(json, "tables", what))
        {
            string inTable = $"{what}, table '{name}'";
            // AddTable's rule, refused as damage to the file rather than as a caller's bad argument; "steps" is the steps table.
            if (name != TrainingReport.StepsTableName && TrainingReport.TableNameProblem(name) is { } problem)
                throw new InvalidDataException($"{inTable}: {problem}");
            var table = TableJson.Read(node as JsonObject ?? throw new InvalidDataException($"{inTable} is not a JSON object."), inTable);
            if (name == TrainingReport.StepsTableName) steps = StepsFrom(table, inTable);
            else tables[name] = table;
        }
        return new TrainingReport(result, steps, model, tables);
    }

    private static double? OptionalDouble(JsonObject json, string field, string where) =>
        json[field] is { } value ? TableJson.ReadDouble(value, $"{where}: field '{field}'") : null;

    private static double Double(JsonObject json, string field, string where) =>
        TableJson.ReadDouble(json[field] ?? throw new InvalidDataException($"{where}: the field '{field}' is missing."), $"{where}: field '{field}'");

    private static double WallSeconds(JsonObject result, string where)
    {
        double seconds = JsonFields.Required<double>(result, "wallTimeSeconds", where);
        return double.IsFinite(seconds) && seconds >= 0 && seconds <= TimeSpan.MaxValue.TotalSeconds ? seconds
            : throw new InvalidDataException($"{where}: field 'wallTimeSeconds' is {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}, expected a duration in seconds (0 or more).");
    }

    private static List<LoggedStep> StepsFrom(DataFrame table, string what)
    {
        var step = Column<int>(table, "Step", what);
        var epoch = Column<int>(table, "Epoch", what);
        var rate = Column<double>(table, "LearningRate", what);
        var loss = Column<double>(table, "BatchLoss", what);
        var size = Column<int>(table, "BatchSize", what);
        var full = Column<double>(table, "FullTrainingLoss", what);
        var list = new List<LoggedStep>((int)table.Rows.Count);
        for (long i = 0; i < table.Rows.Count; i++)
        {
            if (step[i] is not int t || epoch[i] is not int e || rate[i] is not double lr || loss[i] is not double l || size[i] is not int b)
                throw new InvalidDataException($"{what}: row {i} has an empty Step, Epoch, LearningRate, BatchLoss or BatchSize.");
            list.Add(new LoggedStep(t, e, lr, l, b, full[i]));
        }
        return list;
    }

    private static PrimitiveDataFrameColumn<T> Column<T>(DataFrame table, string name, string what) where T : unmanaged =>
        table.Columns.IndexOf(name) < 0 ? throw new InvalidDataException($"{what}: the column '{name}' is missing.")
        : table.Columns[name] as PrimitiveDataFrameColumn<T>
            ?? throw new InvalidDataException($"{what}: the column '{name}' must hold {typeof(T).Name} values, not {table.Columns[name].DataType.Name}.");
}
