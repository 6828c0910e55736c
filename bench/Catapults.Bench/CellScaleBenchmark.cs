using System.Diagnostics;
using Catapults.Study.Cells;

namespace Catapults.Bench;

/// <summary>
/// Issue 17: what the cell machinery costs at 10,000 cells, apart from the cells' own work. Planning: building,
/// writing and reading back plan.json whose cells carry a configuration the size of a batch-sweep run's (≈ 3 KB with
/// 256 probe indices); every run-cell task reads the whole plan, so its read time is paid per task. Merging: checking
/// 10,000 cell records and reading 10,000 synthetic results (the smoke experiment's), then writing the report.
/// </summary>
public sealed class CellScaleBenchmark : IBenchmark
{
    public string Name => "cells";
    public string Description => "Cell machinery at scale: plan (build, write, read) and merge of 10,000 synthetic cells";

    /// <summary>A cell configuration shaped like a batch-sweep run's: some twenty scalar fields and a probe set of 256 indices.</summary>
    private sealed record SyntheticConfiguration(string Experiment, string Label, string Dataset, int TrainCount, int TestCount, string Architecture,
        int Width, bool UseBias, string Parameterization, string Activation, string Loss, string Optimizer, double LearningRate, int BatchSize,
        int MaxSteps, double TargetLoss, long Seed, int RecordEvery, int CheckpointEvery, int DetectorSmoothing, double DetectorRiseFactor,
        int Threads, IReadOnlyList<long> ProbeIndices);

    /// <inheritdoc />
    public IReadOnlyCollection<string>? Cases => ["plan", "merge"];

    public int Run(bool quick, string? only)
    {
        int cells = quick ? 1000 : 10_000;
        string root = Directory.CreateTempSubdirectory("cells-bench-").FullName;
        try
        {
            Console.WriteLine($"{"case",-34} {"cells",7} {"seconds",8} {"MB",7}");
            if (only is null or "plan") Plan(root, cells);
            if (only is null or "merge") Merge(root, cells);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
        return 0;
    }

    private static void Plan(string root, int count)
    {
        string dir = Path.Combine(root, "plan");
        var random = new Random(0);
        var watch = Stopwatch.StartNew();
        var plan = CellPlan.Create("batch-sweep", threads: 1, new { learningRate = 0.37, rule = "synthetic" },
            Enumerable.Range(0, count).Select(i => ($"b{1 + i % 50}-seed{i / 50}", new SyntheticConfiguration("batch-sweep", $"b{1 + i % 50}-seed{i / 50}",
                "rank2", 2000, 1000, "fcn-2", 1024, false, "Ntk", "Relu", "MeanSquaredError", "Sgd", 0.37, 1 + i % 50, 20_000, 1e-3, i / 50, 10, 500, 1, 2.0, 1,
                Enumerable.Range(0, 256).Select(_ => (long)random.Next(2000)).Order().ToList()))));
        double build = watch.Elapsed.TotalSeconds;
        watch.Restart();
        plan.Write(dir);
        double write = watch.Elapsed.TotalSeconds;
        double megabytes = new FileInfo(CellPlan.PathIn(dir)).Length / 1e6;
        watch.Restart();
        var read = CellPlan.Read(dir);
        double readBack = watch.Elapsed.TotalSeconds;
        if (read.Cells.Count != count || read.Cells[^1].Digest != plan.Cells[^1].Digest) throw new InvalidOperationException("plan.json did not read back as written");
        Row("plan: build cells", count, build, null);
        Row("plan: write plan.json", count, write, megabytes);
        Row("plan: read plan.json (each task)", count, readBack, megabytes);
        Row("plan: total", count, build + write + readBack, megabytes);
    }

    private static void Merge(string root, int count)
    {
        string dir = Path.Combine(root, "merge");
        var experiment = new SmokeExperiment();
        var plan = CellPlan.Create(experiment.Name, threads: null, new { cells = count },
            Enumerable.Range(0, count).Select(i => ($"cell{i:D6}", new SmokeCell(1000 + i, 1, 0, null))));
        plan.Write(dir);
        var watch = Stopwatch.StartNew();
        // The cells' own work, stood in for by their files: what a finished smoke cell leaves.
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var cell = plan.Cells[i];
            string folder = CellPlan.CellFolder(dir, cell);
            Directory.CreateDirectory(folder);
            // The result a real run leaves: merge checks each against its cell's own sequence.
            Catapults.Study.Infrastructure.StudyJson.Write(Path.Combine(folder, "result.json"), SmokeExperiment.FinalState(CellPlan.ConfigurationOf<SmokeCell>(cell)));
            CellLedger.MarkFinished(dir, cell);
        });
        Row("merge: set up finished cells", count, watch.Elapsed.TotalSeconds, null);
        var stdout = Console.Out;
        watch.Restart();
        Console.SetOut(TextWriter.Null);
        int code;
        try
        {
            code = CellSweep.Merge(experiment, plan, dir, CancellationToken.None);
        }
        finally
        {
            Console.SetOut(stdout);
        }
        double merge = watch.Elapsed.TotalSeconds;
        if (code != 0) throw new InvalidOperationException($"merge exited with {code}");
        Row("merge: records, results, report", count, merge, new FileInfo(Path.Combine(dir, "report.md")).Length / 1e6);
        watch.Restart();
        var statuses = CellLedger.InspectAll(dir, plan);
        Row("merge: records only", count, watch.Elapsed.TotalSeconds, null);
        if (statuses.Any(s => !s.Finished)) throw new InvalidOperationException("a record did not read back");
    }

    private static void Row(string name, int cells, double seconds, double? megabytes) =>
        Console.WriteLine($"{name,-34} {cells,7} {seconds,8:F2} {(megabytes is double mb ? mb.ToString("F1") : ""),7}");
}
