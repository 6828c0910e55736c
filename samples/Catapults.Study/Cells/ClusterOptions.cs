using Catapults.Study.Infrastructure;

namespace Catapults.Study.Cells;

/// <summary>The options of <c>plan</c>: what to emit for a scheduler, and the resources each cell asks for.</summary>
public sealed class ClusterOptions
{
    private static readonly ClusterSettings Defaults = new();

    /// <summary>--emit.</summary>
    public Option<string?> Emit { get; } = new("--emit") { Description = "Also write scheduler files: slurm (sbatch array, merge job, submit.sh), k8s (Indexed Job, volume, merge Job), or slurm,k8s." };
    /// <summary>--parallel.</summary>
    public Option<int?> Parallel { get; } = new("--parallel") { Description = "At most this many cells at once (Slurm's %K, the Job's parallelism; default: all)." };
    /// <summary>--cpus-per-task.</summary>
    public Option<int?> CpusPerTask { get; } = new("--cpus-per-task") { Description = "CPU cores per cell (default: the plan's --threads)." };
    /// <summary>--gpu.</summary>
    public Option<bool> Gpu { get; } = new("--gpu") { Description = "Each cell asks for one GPU (--gres=gpu:1, nvidia.com/gpu: 1)." };
    /// <summary>--time-limit.</summary>
    public Option<string?> TimeLimit { get; } = new("--time-limit") { Description = $"Wall-time limit of one cell, [D-]HH:MM:SS (default {Defaults.TimeLimit})." };
    /// <summary>--memory-gb.</summary>
    public Option<int?> MemoryGiB { get; } = new("--memory-gb") { Description = $"Memory per cell in GiB (default {Defaults.MemoryGiB})." };
    /// <summary>--partition.</summary>
    public Option<string?> Partition { get; } = new("--partition") { Description = "Slurm partition (default: the cluster's)." };
    /// <summary>--account.</summary>
    public Option<string?> Account { get; } = new("--account") { Description = "Slurm account (default: yours)." };
    /// <summary>--study-command.</summary>
    public Option<string?> StudyCommand { get; } = new("--study-command") { Description = "How the cluster starts the study (default: this program's path for Slurm, catapults-study for Kubernetes)." };
    /// <summary>--image.</summary>
    public Option<string?> Image { get; } = new("--image") { Description = $"Kubernetes: the container image with the study (default {Defaults.Image})." };
    /// <summary>--volume-claim.</summary>
    public Option<string?> VolumeClaim { get; } = new("--volume-claim") { Description = $"Kubernetes: the ReadWriteMany claim holding the run folder (default {Defaults.VolumeClaim})." };
    /// <summary>--volume-size.</summary>
    public Option<string?> VolumeSize { get; } = new("--volume-size") { Description = $"Kubernetes: the claim's size (default {Defaults.VolumeSize})." };
    /// <summary>--mount-path.</summary>
    public Option<string?> MountPath { get; } = new("--mount-path") { Description = $"Kubernetes: where pods mount the claim; the run folder is <mount>/<folder name> (default {Defaults.MountPath})." };
    /// <summary>--retries.</summary>
    public Option<int?> Retries { get; } = new("--retries") { Description = $"Kubernetes: retries of one cell (backoffLimitPerIndex, default {Defaults.RetriesPerCell})." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Emit, Parallel, CpusPerTask, Gpu, TimeLimit, MemoryGiB, Partition, Account, StudyCommand, Image, VolumeClaim, VolumeSize, MountPath, Retries })
            command.Options.Add(o);
    }

    /// <summary>The emitters --emit names, validated: a subset of <see cref="CellPlanEmitters.All"/>.</summary>
    public IReadOnlyList<CellPlanEmitter> Targets(ParseResult parse)
    {
        if (parse.GetValue(Emit) is not string text) return Array.Empty<CellPlanEmitter>();
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant()).Distinct().ToList();
        if (names.Count == 0) throw new ConfigurationException($"--emit is empty; give one or more of {CellPlanEmitters.Names}, separated by commas.");
        return names.Select(name => CellPlanEmitters.All.FirstOrDefault(e => e.Target == name)
            ?? throw new ConfigurationException($"--emit: '{name}' is not a target; give one or more of {CellPlanEmitters.Names}, separated by commas.")).ToList();
    }

    /// <summary>The settings, validated.</summary>
    public ClusterSettings Settings(ParseResult parse) => new ClusterSettings
    {
        Parallel = parse.GetValue(Parallel),
        CpusPerTask = parse.GetValue(CpusPerTask),
        Gpu = parse.GetValue(Gpu),
        TimeLimit = parse.GetValue(TimeLimit) ?? Defaults.TimeLimit,
        MemoryGiB = parse.GetValue(MemoryGiB) ?? Defaults.MemoryGiB,
        Partition = parse.GetValue(Partition),
        Account = parse.GetValue(Account),
        StudyCommand = parse.GetValue(StudyCommand),
        Image = parse.GetValue(Image) ?? Defaults.Image,
        VolumeClaim = parse.GetValue(VolumeClaim) ?? Defaults.VolumeClaim,
        VolumeSize = parse.GetValue(VolumeSize) ?? Defaults.VolumeSize,
        MountPath = parse.GetValue(MountPath) ?? Defaults.MountPath,
        RetriesPerCell = parse.GetValue(Retries) ?? Defaults.RetriesPerCell,
    }.Validate();
}
