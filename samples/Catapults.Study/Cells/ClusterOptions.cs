using Catapults.Study.Infrastructure;

namespace Catapults.Study.Cells;

/// <summary>The options of <c>plan</c>: what to emit for a scheduler, and the resources each cell asks for.</summary>
public sealed class ClusterOptions
{
    private static readonly ClusterSettings Defaults = new();

    /// <summary>--emit.</summary>
    public Option<string?> Emit { get; } = new("--emit") { Description = "Also write scheduler files: slurm (sbatch array, merge job, submit.sh), k8s (Indexed Job, volume, merge Job), or slurm,k8s." };
    /// <summary>--parallel.</summary>
    public SettingOption<ClusterSettings, int> Parallel { get; } = new("--parallel", (s, v) => s with { Parallel = v }) { Description = "At most this many cells at once (Slurm's %K, the Job's parallelism; default: all)." };
    /// <summary>--cpus-per-task.</summary>
    public SettingOption<ClusterSettings, int> CpusPerTask { get; } = new("--cpus-per-task", (s, v) => s with { CpusPerTask = v }) { Description = "CPU cores per cell (default: the plan's --threads)." };
    /// <summary>--gpu.</summary>
    public SettingFlag<ClusterSettings> Gpu { get; } = new("--gpu", s => s with { Gpu = true }) { Description = "Each cell asks for one GPU (--gres=gpu:1, nvidia.com/gpu: 1)." };
    /// <summary>--time-limit.</summary>
    public SettingTextOption<ClusterSettings> TimeLimit { get; } = new("--time-limit", (s, v) => s with { TimeLimit = v }) { Description = $"Wall-time limit of one cell, [D-]HH:MM:SS (default {Defaults.TimeLimit})." };
    /// <summary>--memory-gb.</summary>
    public SettingOption<ClusterSettings, int> MemoryGiB { get; } = new("--memory-gb", (s, v) => s with { MemoryGiB = v }) { Description = $"Memory per cell in GiB (default {Defaults.MemoryGiB})." };
    /// <summary>--partition.</summary>
    public SettingTextOption<ClusterSettings> Partition { get; } = new("--partition", (s, v) => s with { Partition = v }) { Description = "Slurm partition (default: the cluster's)." };
    /// <summary>--account.</summary>
    public SettingTextOption<ClusterSettings> Account { get; } = new("--account", (s, v) => s with { Account = v }) { Description = "Slurm account (default: yours)." };
    /// <summary>--study-command.</summary>
    public SettingTextOption<ClusterSettings> StudyCommand { get; } = new("--study-command", (s, v) => s with { StudyCommand = v }) { Description = "How the cluster starts the study (default: this program's path for Slurm, catapults-study for Kubernetes)." };
    /// <summary>--image.</summary>
    public SettingTextOption<ClusterSettings> Image { get; } = new("--image", (s, v) => s with { Image = v }) { Description = $"Kubernetes: the container image with the study (default {Defaults.Image})." };
    /// <summary>--volume-claim.</summary>
    public SettingTextOption<ClusterSettings> VolumeClaim { get; } = new("--volume-claim", (s, v) => s with { VolumeClaim = v }) { Description = $"Kubernetes: the ReadWriteMany claim holding the run folder (default {Defaults.VolumeClaim})." };
    /// <summary>--volume-size.</summary>
    public SettingTextOption<ClusterSettings> VolumeSize { get; } = new("--volume-size", (s, v) => s with { VolumeSize = v }) { Description = $"Kubernetes: the claim's size (default {Defaults.VolumeSize})." };
    /// <summary>--mount-path.</summary>
    public SettingTextOption<ClusterSettings> MountPath { get; } = new("--mount-path", (s, v) => s with { MountPath = v }) { Description = $"Kubernetes: where pods mount the claim; the run folder is <mount>/<folder name> (default {Defaults.MountPath})." };
    /// <summary>--retries.</summary>
    public SettingOption<ClusterSettings, int> Retries { get; } = new("--retries", (s, v) => s with { RetriesPerCell = v }) { Description = $"Kubernetes: retries of one cell (backoffLimitPerIndex, default {Defaults.RetriesPerCell})." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Emit);
        foreach (var o in SchedulerOptions) command.Options.Add(o);
    }

    // The options that only shape the scheduler files.
    private Option[] SchedulerOptions => new Option[] { Parallel, CpusPerTask, Gpu, TimeLimit, MemoryGiB, Partition, Account, StudyCommand, Image, VolumeClaim, VolumeSize, MountPath, Retries };

    /// <summary>The emitters --emit names, validated: a subset of <see cref="CellPlanEmitters.All"/>.</summary>
    /// <exception cref="ConfigurationException">--emit names no target, or a scheduler option is given without --emit (it would be ignored).</exception>
    public IReadOnlyList<CellPlanEmitter> Targets(ParseResult parse)
    {
        if (parse.GetValue(Emit) is not string text)
        {
            var given = SchedulerOptions.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (given.Count > 0)
                throw new ConfigurationException($"{string.Join(", ", given)} shape{(given.Count == 1 ? "s" : "")} the scheduler files, which only --emit writes; add --emit with one or more of {CellPlanEmitters.Names}, or leave {(given.Count == 1 ? "it" : "them")} out.");
            return Array.Empty<CellPlanEmitter>();
        }
        var names = Cli.ListEntries(text, "--emit", $"of {CellPlanEmitters.Names}").Select(t => t.ToLowerInvariant()).Distinct().ToList();
        var targets = names.Select(name => CellPlanEmitters.All.FirstOrDefault(e => e.Target == name)
            ?? throw new ConfigurationException($"--emit: '{name}' is not a target; give one or more of {CellPlanEmitters.Names}, separated by commas.")).ToList();
        RequireTarget(parse, names, "slurm", Partition, Account);
        RequireTarget(parse, names, "k8s", Image, VolumeClaim, VolumeSize, MountPath, Retries);
        return targets;
    }

    // An option that shapes only one target's files would be ignored without that target.
    private static void RequireTarget(ParseResult parse, IReadOnlyList<string> targets, string target, params Option[] options)
    {
        if (targets.Contains(target)) return;
        var given = options.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (given.Count > 0)
            throw new ConfigurationException($"{string.Join(", ", given)} shape{(given.Count == 1 ? "s" : "")} only the {target} files, and --emit {string.Join(",", targets)} writes none; add {target} to --emit, or leave {(given.Count == 1 ? "it" : "them")} out.");
    }

    /// <summary>The settings, validated: the defaults with the options given.</summary>
    public ClusterSettings Settings(ParseResult parse) => parse.ApplySettingOptions(Defaults).Validate();
}
