using System.CommandLine.Help;
using Catapults.ML.Runtime;
using Catapults.Study.BatchSweep;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

// The study CLI: one sub-command per experiment of "Catapults in SGD" (Zhu, Liu, Radhakrishnan, Belkin). With no
// sub-command it runs batch-sweep, the main experiment.
// Every experiment frees and reallocates the same tensors step after step; keeping freed memory mapped spares the
// page faults (see TorchRuntime.RetainFreedNativeMemory). It also holds for the cells this program runs as children.
Catapults.ML.Runtime.TorchRuntime.RetainFreedNativeMemory();
// Figures on the console read as they do in the files and on the command line (InvariantNumbers), whatever the user's
// culture: otherwise one line could show "η = 5,819" beside "√(5.576 × 6.073)".
CultureInfo.CurrentCulture = CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var root = new RootCommand("Catapults in SGD: training-dynamics studies on the Catapults.NET engine. Without a sub-command: batch-sweep.");
BatchSweepCommand.Configure(root);
root.Subcommands.Add(BatchSweepCommand.Create());
root.Subcommands.Add(Catapults.Study.GdCatapults.GdCatapultsCommand.Create());
root.Subcommands.Add(Catapults.Study.SgdSpikes.SgdSpikesCommand.Create());
root.Subcommands.Add(Catapults.Study.OptimizerComparison.OptimizersCommand.Create());
root.Subcommands.Add(Catapults.Study.FeatureStrength.FeatureStrengthCommand.Create());
root.Subcommands.Add(Catapults.Study.DominantSubspace.DominantSubspaceCommand.Create());
// The cell unit: every experiment in the catalog can be planned, run cell by cell (here, on Slurm, on Kubernetes) and merged.
var cells = new CellCatalog(() => new BatchSweepCommand(), () => new Catapults.Study.GdCatapults.GdCatapultsCommand(),
    () => new Catapults.Study.SgdSpikes.SgdSpikesCommand(), () => new Catapults.Study.OptimizerComparison.OptimizersCommand(),
    () => new Catapults.Study.DominantSubspace.DominantSubspaceCommand(), () => new Catapults.Study.FeatureStrength.FeatureStrengthCommand(),
    () => new SmokeExperiment());
root.Subcommands.Add(CellCommands.Experiment(new SmokeExperiment()));
root.Subcommands.Add(CellCommands.Plan(cells));
root.Subcommands.Add(CellCommands.RunCell(cells));
root.Subcommands.Add(CellCommands.Merge(cells));
InvariantNumbers.Apply(root);

var parse = root.Parse(args);
// Options that do not parse (a word where a number belongs, an unknown or repeated option) are configuration errors
// like the ones the experiments find: one line and exit code 2, not the whole help text.
if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
{
    string message = string.Join(" ", parse.Errors.Select(e => e.Message))
        .Replace("System.Nullable`1[System.Int32]", "integer").Replace("System.Nullable`1[System.Double]", "number")
        .Replace("System.Int32", "integer").Replace("System.Double", "number");
    Cli.WriteError("error: " + message, " (--help lists the options)");
    return ConfigurationException.ExitCode;
}
// The root command is batch-sweep, so options written before another sub-command parse as batch-sweep's and that
// sub-command would run without them (`--out x gd-catapults` wrote to gd-catapults' default folder).
if (parse.CommandResult.Command != root && parse.Action is not HelpAction)
{
    var early = parse.RootCommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
        .Where(o => !o.Implicit && o.Option is not (HelpOption or VersionOption)).Select(o => o.IdentifierToken?.Value ?? o.Option.Name).ToList();
    if (early.Count > 0)
    {
        string sub = parse.CommandResult.Command.Name;
        Cli.WriteError($"error: {string.Join(", ", early)} {(early.Count == 1 ? "comes" : "come")} before the sub-command '{sub}'; options go after it ('{sub} {early[0]} …'; {sub} --help lists them).");
        return ConfigurationException.ExitCode;
    }
}
// SIGINT and SIGTERM cancel the command's token instead of ending the process at once: the plain command then stops
// the cell processes it started, rather than leaving them running into its folder, says how to resume, and exits with
// 128 + the signal's number. An action still busy 5 s later is cut short; every file is written atomically, and cells
// resume from their checkpoints.
using (Interruption.Install(TimeSpan.FromSeconds(5)))
    return parse.Invoke();
