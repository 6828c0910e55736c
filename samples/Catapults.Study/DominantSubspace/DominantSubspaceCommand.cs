using System.CommandLine;
using System.Globalization;
using System.Text;
using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Runtime;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.DominantSubspace;

/// <summary>
/// The <c>dominant-subspace</c> sub-command: an MLP trained with SGD, then continued with SGD, Dom-SGD (updates
/// projected onto the top-k Hessian eigenspace) and Bulk-SGD (that component removed); loss curves, χ_k, sharpness
/// and a report saying whether Dom-SGD stalls while Bulk-SGD keeps pace with SGD.
/// </summary>
public static class DominantSubspaceCommand
{
    /// <summary>Relative tolerances of the verdict (stated in the report).</summary>
    public const double StallTolerance = 0.9, PaceTolerance = 1.25;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Small preset: 128 samples, width 32, 60 + 60 steps." };
        var output = new Option<string?>("--out") { Description = "Output directory (default runs/dominant-subspace[-quick])." };
        var dataset = new Option<string?>("--dataset") { Description = "Image dataset instead of the synthetic task: cifar10 or svhn (needs --data-root or CATAPULTS_DATA)." };
        dataset.AcceptOnlyFromAmong("cifar10", "svhn");
        var dataRoot = new Option<string?>("--data-root") { Description = "Folder holding the downloaded datasets (default: CATAPULTS_DATA)." };
        var classes = new Option<int?>("--classes") { Description = "Classes = outputs (default 4)." };
        var samples = new Option<int?>("--samples") { Description = "Synthetic samples, or images per class for --dataset (default 256)." };
        var dimension = new Option<int?>("--input-dimension") { Description = "Synthetic input dimension (default 16)." };
        var width = new Option<int?>("--width") { Description = "Hidden width of the two hidden layers (default 64)." };
        var rate = new Option<double?>("--learning-rate") { Description = "Learning rate η (default 0.5)." };
        var batch = new Option<int?>("--batch-size") { Description = "Mini-batch size (default 16; 0 = full-batch gradient descent)." };
        var warmUp = new Option<int?>("--warm-up-steps") { Description = "SGD steps before the switch (default 200)." };
        var steps = new Option<int?>("--steps") { Description = "Steps of each arm after the switch (default 200)." };
        var rank = new Option<int?>("--rank") { Description = "k, the dominant-subspace dimension (default: the number of outputs)." };
        var refresh = new Option<int?>("--refresh-every") { Description = "Recompute the eigenspace every T steps (default 5)." };
        var record = new Option<int?>("--record-every") { Description = "Record χ_k and eigenvalues every this many steps (default 10)." };
        var hessianSamples = new Option<int?>("--hessian-samples") { Description = "Samples of the Hessian subset (default 1024)." };
        var seed = new Option<long?>("--seed") { Description = "Seed (default 0)." };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default 1: on a small or busy machine more threads spin-wait and run several times slower)." };
        var sam = new Option<double?>("--sam-radius") { Description = "Train with SAM of this radius ρ (warm-up and the SAM, Dom-SAM, Bulk-SAM arms; default: plain SGD)." };

        var command = new Command("dominant-subspace",
            "SGD, Dom-SGD and Bulk-SGD after a shared SGD warm-up: does training happen in the top-k Hessian eigenspace?")
        {
            quick, output, dataset, dataRoot, classes, samples, dimension, width, rate, batch, warmUp, steps, rank, refresh, record, hessianSamples, seed, sam, threads,
        };
        command.SetAction(Cli.Guard((parse, ct) =>
        {
            bool isQuick = parse.GetValue(quick);
            var preset = isQuick ? DominantSubspaceSettings.Quick : new DominantSubspaceSettings();
            var settings = preset with
            {
                Dataset = parse.GetValue(dataset) switch { "cifar10" => ImageDatasetKind.Cifar10, "svhn" => ImageDatasetKind.Svhn, _ => null },
                DataRoot = parse.GetValue(dataRoot),
                Classes = parse.GetValue(classes) ?? preset.Classes,
                Samples = parse.GetValue(samples) ?? preset.Samples,
                InputDimension = parse.GetValue(dimension) ?? preset.InputDimension,
                Width = parse.GetValue(width) ?? preset.Width,
                LearningRate = parse.GetValue(rate) ?? preset.LearningRate,
                BatchSize = parse.GetValue(batch) switch { 0 => null, int size => size, null => preset.BatchSize },
                WarmUpSteps = parse.GetValue(warmUp) ?? preset.WarmUpSteps,
                Steps = parse.GetValue(steps) ?? preset.Steps,
                Rank = parse.GetValue(rank) ?? preset.Rank,
                RefreshEvery = parse.GetValue(refresh) ?? preset.RefreshEvery,
                RecordEvery = parse.GetValue(record) ?? preset.RecordEvery,
                HessianSamples = parse.GetValue(hessianSamples) ?? preset.HessianSamples,
                Seed = parse.GetValue(seed) ?? preset.Seed,
                SamRadius = parse.GetValue(sam) ?? preset.SamRadius,
            };
            try
            {
                if (parse.GetValue(threads) is int t && (t < 1 || t > Environment.ProcessorCount))
                    throw new ArgumentException($"--threads must be in 1..{Environment.ProcessorCount} (the cores of this machine), got {t}.");
                TorchRuntime.Configure(new RuntimeOptions { Threads = parse.GetValue(threads) ?? 1 });
                settings.Validate();
                if (settings.Dataset is not null) DataRoot.Resolve(settings.DataRoot);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or DirectoryNotFoundException)
            {
                throw new ConfigurationException(ex.Message);
            }
            RequireMemory(settings);
            string directory = OutputFolder.Check(parse.GetValue(output) ?? Path.Combine("runs", isQuick ? "dominant-subspace-quick" : "dominant-subspace"));
            return Execute(settings, directory, ct);
        }));
        return command;
    }

    // The MLP d-w-w-C, its Hessian subset, and k Lanczos vectors of the parameter count (with room for the solver's
    // basis); the data is at most 3 × 32 × 32 floats a sample.
    private static void RequireMemory(DominantSubspaceSettings s)
    {
        double d = s.Dataset is null ? s.InputDimension : 3 * 32 * 32;
        double samples = s.Dataset is null ? s.Samples : (double)s.Samples * s.Classes;
        double parameters = (d + 1) * s.Width + (s.Width + 1.0) * s.Width + (s.Width + 1.0) * s.Classes;
        if (s.EffectiveRank > parameters)
            throw new ConfigurationException($"--rank {s.EffectiveRank} exceeds the network's {parameters:F0} parameters (--width {s.Width}).");
        double vectors = 4.0 * s.EffectiveRank + 20;
        MemoryBudget.Require(8 * (parameters * (8 + vectors) + samples * (d + s.Width * 4.0)),
            $"dominant-subspace with --width {s.Width}, --rank {s.EffectiveRank} and {samples:F0} samples");
    }

    private static int Execute(DominantSubspaceSettings settings, string directory, CancellationToken ct)
    {
        TorchRuntime.EnsureLoaded();
        StudyResult result;
        try
        {
            result = DominantSubspaceStudy.Run(settings, line => Console.WriteLine(line), ct);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException or InvalidDataException or InvalidOperationException)
        {
            throw new ConfigurationException(ex.Message.ReplaceLineEndings(" "));
        }
        if (result.WarmUp.Outcome == ML.Training.TrainingOutcome.Diverged)
            throw new ConfigurationException($"the {settings.BaseName} warm-up diverged at η = {settings.LearningRate:G4}; lower --learning-rate.");
        Directory.CreateDirectory(directory);
        WriteCsv(Path.Combine(directory, "losses.csv"), result);
        WriteAlignmentCsv(Path.Combine(directory, "alignment.csv"), result);
        DominantSubspacePlots.Losses(Path.Combine(directory, "loss.png"), result);
        DominantSubspacePlots.Alignment(Path.Combine(directory, "alignment.png"), result);
        DominantSubspacePlots.Sharpness(Path.Combine(directory, "sharpness.png"), result);
        var report = Report(result);
        AtomicFile.WriteText(Path.Combine(directory, "report.md"), report);
        Console.WriteLine(report);
        Console.WriteLine($"wrote {Path.GetFullPath(directory)}");
        return 0;
    }

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>The markdown report with the verdict.</summary>
    public static string Report(StudyResult r)
    {
        var s = r.Settings;
        // Arms come in a fixed order: the base optimiser, its dominant and its bulk projection.
        var (sgd, dom, bulk) = (r.Arms[0], r.Arms[1], r.Arms[2]);
        string name = s.BaseName;
        // Mini-batch losses fluctuate step to step: the verdict compares the mean full training loss over the last
        // 20% of each arm's steps, not one final point.
        double Final(ArmResult a)
        {
            if (a.Outcome == ML.Training.TrainingOutcome.Diverged || a.Losses.Count == 0) return double.NaN;
            int tail = Math.Max(1, a.Losses.Count / 5);
            return a.Losses.Skip(a.Losses.Count - tail).Average(p => p.Loss);
        }
        bool stalls = Final(dom) > StallTolerance * r.LossAtSwitch;
        bool keepsPace = Final(bulk) <= PaceTolerance * Final(sgd);
        bool sgdTrains = Final(sgd) < StallTolerance * r.LossAtSwitch;
        double MeanChi(ArmResult a) => a.Alignment.Count == 0 ? double.NaN : a.Alignment.Average(x => x.Alignment);
        var b = new StringBuilder();
        b.AppendLine($"# Dominant-subspace study (Dom-{name} and Bulk-{name})");
        b.AppendLine();
        b.AppendLine($"- Data: {r.DataDescription}");
        b.AppendLine($"- Model: tanh MLP, two hidden layers of width {s.Width}, NTK parameterisation, {r.ParameterCount} parameters");
        b.AppendLine($"- Loss: MSE L = 1/n Σᵢ‖f(xᵢ) − yᵢ‖² (no ½); η = {F(s.LearningRate)}, so 2/η = {F(2 / s.LearningRate)}; batch {(s.BatchSize is int bs ? bs.ToString(CultureInfo.InvariantCulture) : "full")}{(s.SamRadius is double rho ? $"; SAM with ρ = {F(rho)}" : "")}");
        b.AppendLine($"- {s.WarmUpSteps} {name} steps, then {s.Steps} steps of each arm from the same weights; k = {s.EffectiveRank}; eigenspace refreshed every {s.RefreshEvery} steps on at most {s.HessianSamples} training samples (a fixed subset)");
        b.AppendLine($"- Wall time {r.WallTime.TotalSeconds:F1} s");
        b.AppendLine();
        b.AppendLine("| arm | loss at switch | final loss | mean loss, last 20% | last 20% / switch | mean χ_k | final λ_max | outcome | HVPs |");
        b.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var a in r.Arms)
        {
            double lambda = a.Alignment.Count == 0 ? double.NaN : a.Alignment[^1].Eigenvalues[0];
            b.AppendLine($"| {a.Name} | {F(r.LossAtSwitch)} | {F(a.FinalLoss ?? double.NaN)} | {F(Final(a))} | {F(Final(a) / r.LossAtSwitch)} | {F(MeanChi(a))} | {F(lambda)} | {a.Outcome} | {a.HessianProducts} |");
        }
        if (r.WarmUp.Alignment.Count > 0)
            b.AppendLine($"\nDuring the warm-up χ_k went from {F(r.WarmUp.Alignment[0].Alignment)} to {F(r.WarmUp.Alignment[^1].Alignment)} (mean {F(MeanChi(r.WarmUp))}).");
        b.AppendLine();
        b.AppendLine("## Verdict");
        b.AppendLine();
        b.AppendLine($"Tolerances (on the mean full training loss over each arm's last 20% of steps): Dom-{name} *stalls* when it is above {StallTolerance} × the loss at the switch; Bulk-{name} *keeps pace* when it is at most {PaceTolerance} × {name}'s.");
        b.AppendLine();
        b.AppendLine($"- {name} {(sgdTrains ? "keeps reducing the loss" : "barely reduces the loss after the switch (the comparison says little; train longer or raise η)")}: {F(Final(sgd) / r.LossAtSwitch)} of the loss at the switch.");
        b.AppendLine($"- Dom-{name} {(stalls ? "**stalls**" : "**does not stall**")}: {F(Final(dom) / r.LossAtSwitch)} of the loss at the switch.");
        b.AppendLine($"- Bulk-{name} {(keepsPace ? $"**keeps pace with {name}**" : $"**falls behind {name}**")}: its late loss is {F(Final(bulk) / Final(sgd))} × {name}'s.");
        b.AppendLine();
        b.AppendLine("Figures: loss.png (loss curves), alignment.png (χ_k of the full-batch gradient), sharpness.png (λ_max against 2/η).");
        return b.ToString();
    }

    private static void WriteCsv(string path, StudyResult r)
    {
        var b = new StringBuilder("arm,step,loss\n");
        foreach (var a in new[] { r.WarmUp }.Concat(r.Arms))
            foreach (var (step, loss) in a.Losses) b.Append(CultureInfo.InvariantCulture, $"{a.Name},{step},{loss:R}\n");
        AtomicFile.WriteText(path, b.ToString());
    }

    private static void WriteAlignmentCsv(string path, StudyResult r)
    {
        int k = r.Settings.EffectiveRank;
        var b = new StringBuilder("arm,step,loss,chi," + string.Join(",", Enumerable.Range(1, k).Select(i => $"lambda{i}")) + ",hvps\n");
        foreach (var a in new[] { r.WarmUp }.Concat(r.Arms))
            foreach (var x in a.Alignment)
                b.Append(CultureInfo.InvariantCulture,
                    $"{a.Name},{x.Step},{x.Loss:R},{x.Alignment:R},{string.Join(",", x.Eigenvalues.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))},{x.Products}\n");
        AtomicFile.WriteText(path, b.ToString());
    }
}
