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
                    ["lastFiniteLoss"] = TableJson.Number(d.LastFiniteLoss),
                    ["offendingLoss"] = TableJson.Number(d.OffendingLoss),
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

    // A schedule that describes itself (constant, milestones, warm-up and decay) is kept; a runtime one such as an
    // AdjustableSchedule has no JSON form, and the report then keeps no realised schedule.
    private static JsonNode? ScheduleNode(ILearningRateSchedule? schedule) =>
        schedule is ConstantSchedule or MilestoneSchedule or WarmupDecaySchedule ? JsonSerializer.SerializeToNode(schedule) : null;

    public static TrainingReport Read(JsonObject json, string what)
    {
        var r = json["result"]!.AsObject();
        var d = r["divergence"] as JsonObject;
        var result = new TrainingResult(
            Enum.Parse<TrainingOutcome>(r["outcome"]!.GetValue<string>()),
            r["steps"]!.GetValue<int>(),
            r["epochs"]!.GetValue<int>(),
            r["finalTrainingLoss"] is { } fl ? TableJson.ReadDouble(fl) : null,
            d is null ? null : new DivergenceInfo(d["step"]!.GetValue<int>(), TableJson.ReadDouble(d["lastFiniteLoss"]!),
                TableJson.ReadDouble(d["offendingLoss"]!), d["reason"]!.GetValue<string>()),
            TimeSpan.FromSeconds(r["wallTimeSeconds"]!.GetValue<double>()))
        {
            RealisedSchedule = r["realisedSchedule"] is { } schedule ? schedule.Deserialize<ILearningRateSchedule>() : null,
        };
        var m = json["model"]!.AsObject();
        var model = new TrainingModelInfo(m["description"]!.GetValue<string>(), m["parameterCount"]!.GetValue<long>(),
            m["trainingRowCount"]!.GetValue<int>(), m["featureCount"]!.GetValue<int>(), m["loss"]!.GetValue<string>());

        var tables = new Dictionary<string, DataFrame>(StringComparer.Ordinal);
        List<LoggedStep> steps = new();
        foreach (var (name, node) in json["tables"]!.AsObject())
        {
            var table = TableJson.Read(node!.AsObject(), $"{what}, table '{name}'");
            if (name == TrainingReport.StepsTableName) steps = StepsFrom(table);
            else tables[name] = table;
        }
        return new TrainingReport(result, steps, model, tables);
    }

    private static List<LoggedStep> StepsFrom(DataFrame table)
    {
        var step = (PrimitiveDataFrameColumn<int>)table["Step"];
        var epoch = (PrimitiveDataFrameColumn<int>)table["Epoch"];
        var rate = (PrimitiveDataFrameColumn<double>)table["LearningRate"];
        var loss = (PrimitiveDataFrameColumn<double>)table["BatchLoss"];
        var size = (PrimitiveDataFrameColumn<int>)table["BatchSize"];
        var full = (PrimitiveDataFrameColumn<double>)table["FullTrainingLoss"];
        var list = new List<LoggedStep>((int)table.Rows.Count);
        for (long i = 0; i < table.Rows.Count; i++)
            list.Add(new LoggedStep(step[i]!.Value, epoch[i]!.Value, rate[i]!.Value, loss[i]!.Value, size[i]!.Value, full[i]));
        return list;
    }
}
