using System.CommandLine;
using System.Reflection;
using Catapults.Bench;
using Catapults.ML.Runtime;

// Benchmark programs: `dotnet run -c Release --project bench/Catapults.Bench -- <name> [--quick] [--only CASE]`.
var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name)
    .ToList();

// As the study does: freed native memory stays mapped, so steady-state steps pay no page faults for reused buffers.
bool retained = TorchRuntime.RetainFreedNativeMemory();
var root = new RootCommand("Catapults.NET benchmarks. Figures, not pass/fail; run with -c Release.");
var quick = new Option<bool>("--quick") { Description = "Smoke-sized run." };
var only = new Option<string?>("--only") { Description = "Run one case only (benchmark-specific name)." };
// One thread by default: the PyTorch peers run on one, and a ratio of two threads against one measures the threads.
var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads (default 1, as the peers use; more measures the library alone).", DefaultValueFactory = _ => 1 };
foreach (var benchmark in benchmarks)
{
    var command = new Command(benchmark.Name, benchmark.Description) { quick, only, threads };
    command.SetAction(parse =>
    {
        if (RuntimeOptions.ThreadCountProblem(parse.GetValue(threads)) is { } problem)
        {
            Console.Error.WriteLine($"error: --threads {problem}.");
            return 2;
        }
        if (parse.GetValue(only) is string name && benchmark.Cases is { } cases && !cases.Contains(name))
        {
            Console.Error.WriteLine(cases.Count == 0
                ? $"error: --only {name}: {benchmark.Name} has no cases to choose from; run it without --only."
                : $"error: --only {name}: not a case of {benchmark.Name}; cases: {string.Join(", ", cases)}.");
            return 2;
        }
        TorchRuntime.Configure(new RuntimeOptions { Threads = parse.GetValue(threads) });
        Console.WriteLine($"# {benchmark.Name}: {benchmark.Description}");
        Console.WriteLine($"# machine: {Measure.MachineLine()}");
        Console.WriteLine($"# native allocator: {(retained ? $"up to {TorchRuntime.DefaultRetainedFreeMemoryBytes >> 20} MiB of freed memory kept mapped" : "as the system leaves it")}");
        return benchmark.Run(parse.GetValue(quick), parse.GetValue(only));
    });
    root.Subcommands.Add(command);
}
return root.Parse(args).Invoke();
