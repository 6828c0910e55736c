using System.CommandLine;
using Catapults.Study.BatchSweep;

// The study CLI: one sub-command per experiment of "Catapults in SGD" (Zhu, Liu, Radhakrishnan, Belkin). With no
// sub-command it runs batch-sweep, the main experiment.
var root = new RootCommand("Catapults in SGD: training-dynamics studies on the Catapults.NET engine. Without a sub-command: batch-sweep.");
BatchSweepCommand.Configure(root);
root.Subcommands.Add(BatchSweepCommand.Create());
root.Subcommands.Add(Catapults.Study.GdCatapults.GdCatapultsCommand.Create());
root.Subcommands.Add(Catapults.Study.SgdSpikes.SgdSpikesCommand.Create());
root.Subcommands.Add(Catapults.Study.OptimizerComparison.OptimizersCommand.Create());
root.Subcommands.Add(Catapults.Study.FeatureStrength.FeatureStrengthCommand.Create());
root.Subcommands.Add(Catapults.Study.DominantSubspace.DominantSubspaceCommand.Create());
return root.Parse(args).Invoke();
