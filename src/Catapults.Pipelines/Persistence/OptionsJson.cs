using System.Text.Json.Nodes;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;
using Catapults.Pipelines.Trainers;
using Catapults.ML.Probes;

namespace Catapults.Pipelines.Persistence;

/// <summary>
/// Trainer options as JSON. Every option is written; the built-in schedules are written with their parameters, a
/// schedule of another type by its type name only (it loads back as null and is reported in <c>"schedule"</c>).
/// Observers are not saved.
/// </summary>
internal static class OptionsJson
{
    public static JsonObject Write(TorchNetworkTrainerOptions o)
    {
        var json = new JsonObject
        {
            ["featureColumnName"] = o.FeatureColumnName,
            ["labelColumnName"] = o.LabelColumnName,
            ["hiddenWidths"] = new JsonArray(o.HiddenWidths.Select(w => (JsonNode)JsonValue.Create(w)).ToArray()),
            ["activation"] = o.Activation.ToString(),
            ["useBias"] = o.UseBias,
            ["parameterization"] = o.Parameterization.ToString(),
            ["outputMultiplier"] = o.OutputMultiplier,
            ["optimizer"] = o.Optimizer.ToString(),
            ["optimizerSettings"] = new JsonObject
            {
                ["momentum"] = o.OptimizerSettings.Momentum,
                ["beta1"] = o.OptimizerSettings.Beta1,
                ["beta2"] = o.OptimizerSettings.Beta2,
                ["rmsPropAlpha"] = o.OptimizerSettings.RmsPropAlpha,
                ["epsilon"] = o.OptimizerSettings.Epsilon,
                ["weightDecay"] = o.OptimizerSettings.WeightDecay,
            },
            ["learningRate"] = o.LearningRate,
            ["schedule"] = WriteSchedule(o.Schedule),
            ["batchSize"] = o.BatchSize,
            ["lastPartialBatch"] = o.LastPartialBatch.ToString(),
            ["numberOfEpochs"] = o.NumberOfEpochs,
            ["maximumSteps"] = o.MaximumSteps,
            ["targetLoss"] = o.TargetLoss,
            ["fullLossEvery"] = o.FullLossEvery,
            ["divergenceFactor"] = o.DivergenceFactor,
            ["throwOnDivergence"] = o.ThrowOnDivergence,
            ["seed"] = o.Seed,
            ["shuffleSeed"] = o.ShuffleSeed,
            ["device"] = o.Device.ToString(),
            ["threads"] = o.Threads,
            ["diagnostics"] = new JsonObject
            {
                ["enabled"] = o.Diagnostics.Enabled,
                ["every"] = o.Diagnostics.Every,
                ["topEigenvalueCount"] = o.Diagnostics.TopEigenvalueCount,
                ["probeSize"] = o.Diagnostics.ProbeSize,
                ["criticalRate"] = o.Diagnostics.CriticalRate.ToString(),
                ["detectCatapults"] = o.Diagnostics.DetectCatapults,
            },
        };
        if (o is TorchNetworkBinaryTrainer.Options b) json["loss"] = b.Loss.ToString();
        if (o is TorchNetworkMulticlassTrainer.Options m) json["loss"] = m.Loss.ToString();
        return json;
    }

    public static void Read(JsonObject json, TorchNetworkTrainerOptions o)
    {
        o.FeatureColumnName = json["featureColumnName"]!.GetValue<string>();
        o.LabelColumnName = json["labelColumnName"]!.GetValue<string>();
        o.HiddenWidths = json["hiddenWidths"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        o.Activation = Enum.Parse<ActivationKind>(json["activation"]!.GetValue<string>());
        o.UseBias = json["useBias"]!.GetValue<bool>();
        o.Parameterization = Enum.Parse<Parameterization>(json["parameterization"]!.GetValue<string>());
        o.OutputMultiplier = json["outputMultiplier"]!.GetValue<double>();
        o.Optimizer = Enum.Parse<OptimizerKind>(json["optimizer"]!.GetValue<string>());
        var s = json["optimizerSettings"]!.AsObject();
        o.OptimizerSettings = new OptimizerOptions
        {
            Momentum = s["momentum"]!.GetValue<double>(), Beta1 = s["beta1"]!.GetValue<double>(), Beta2 = s["beta2"]!.GetValue<double>(),
            RmsPropAlpha = s["rmsPropAlpha"]!.GetValue<double>(), Epsilon = s["epsilon"]!.GetValue<double>(),
            WeightDecay = s["weightDecay"]!.GetValue<double>(),
        };
        o.LearningRate = json["learningRate"]!.GetValue<double>();
        o.Schedule = ReadSchedule(json["schedule"] as JsonObject);
        o.BatchSize = json["batchSize"]?.GetValue<int>();
        o.LastPartialBatch = Enum.Parse<PartialBatchPolicy>(json["lastPartialBatch"]!.GetValue<string>());
        o.NumberOfEpochs = json["numberOfEpochs"]?.GetValue<int>();
        o.MaximumSteps = json["maximumSteps"]?.GetValue<int>();
        o.TargetLoss = json["targetLoss"]?.GetValue<double>();
        o.FullLossEvery = json["fullLossEvery"]!.GetValue<int>();
        o.DivergenceFactor = json["divergenceFactor"]!.GetValue<double>();
        o.ThrowOnDivergence = json["throwOnDivergence"]!.GetValue<bool>();
        o.Seed = json["seed"]!.GetValue<long>();
        o.ShuffleSeed = json["shuffleSeed"]?.GetValue<long>();
        o.Device = Enum.Parse<DeviceChoice>(json["device"]!.GetValue<string>());
        o.Threads = json["threads"]?.GetValue<int>();
        var d = json["diagnostics"]!.AsObject();
        o.Diagnostics = new TrainingDiagnosticsOptions
        {
            Enabled = d["enabled"]!.GetValue<bool>(), Every = d["every"]!.GetValue<int>(),
            TopEigenvalueCount = d["topEigenvalueCount"]!.GetValue<int>(), ProbeSize = d["probeSize"]!.GetValue<int>(),
            // Files written before these settings existed load with their defaults.
            CriticalRate = d["criticalRate"] is { } rate ? Enum.Parse<Catapults.ML.Probes.CriticalRateCadence>(rate.GetValue<string>()) : Catapults.ML.Probes.CriticalRateCadence.AtRecords,
            DetectCatapults = d["detectCatapults"]?.GetValue<bool>() ?? true,
        };
        if (json["loss"] is { } loss)
        {
            var value = Enum.Parse<ClassificationLoss>(loss.GetValue<string>());
            if (o is TorchNetworkBinaryTrainer.Options b) b.Loss = value;
            if (o is TorchNetworkMulticlassTrainer.Options m) m.Loss = value;
        }
    }

    private static JsonObject? WriteSchedule(ILearningRateSchedule? schedule) => schedule switch
    {
        null => null,
        ConstantSchedule c => new JsonObject { ["kind"] = "Constant", ["learningRate"] = c.LearningRate },
        MilestoneSchedule m => new JsonObject
        {
            ["kind"] = "Milestone",
            ["initialRate"] = m.InitialRate,
            ["milestones"] = new JsonArray(m.Milestones.Select(x => (JsonNode)new JsonObject { ["step"] = x.Step, ["rate"] = x.Rate }).ToArray()),
        },
        WarmupDecaySchedule w => new JsonObject
        {
            ["kind"] = "WarmupDecay", ["peakRate"] = w.PeakRate, ["warmupSteps"] = w.WarmupSteps, ["totalSteps"] = w.TotalSteps,
            ["decay"] = w.Decay.ToString(), ["finalRate"] = w.FinalRate,
        },
        AdjustableSchedule a => new JsonObject { ["kind"] = "Adjustable", ["learningRate"] = a.LearningRate },
        _ => new JsonObject { ["kind"] = "Custom", ["type"] = schedule.GetType().FullName },
    };

    private static ILearningRateSchedule? ReadSchedule(JsonObject? json)
    {
        if (json is null) return null;
        return json["kind"]!.GetValue<string>() switch
        {
            "Constant" => new ConstantSchedule(json["learningRate"]!.GetValue<double>()),
            "Milestone" => new MilestoneSchedule(json["initialRate"]!.GetValue<double>(),
                json["milestones"]!.AsArray().Select(n => (n!["step"]!.GetValue<int>(), n["rate"]!.GetValue<double>()))),
            "WarmupDecay" => new WarmupDecaySchedule(json["peakRate"]!.GetValue<double>(), json["warmupSteps"]!.GetValue<int>(),
                json["totalSteps"]!.GetValue<int>(), Enum.Parse<DecayKind>(json["decay"]!.GetValue<string>()), json["finalRate"]!.GetValue<double>()),
            // The final rate of an adjustable schedule is what training ended with; it loads as a constant.
            "Adjustable" => new ConstantSchedule(json["learningRate"]!.GetValue<double>()),
            _ => null,
        };
    }
}
