using Catapults.ML.Runtime;
using System.Text.RegularExpressions;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Cells;

/// <summary>How the emitted Slurm scripts and Kubernetes manifests ask for resources; validated by <see cref="Validate"/>.</summary>
public sealed partial record ClusterSettings
{
    /// <summary>At most this many cells at once (Slurm's array throttle %K, the Indexed Job's parallelism); null: every cell.</summary>
    public int? Parallel { get; init; }

    /// <summary>CPU cores per cell; null: the plan's libtorch threads (1 when it has none).</summary>
    public int? CpusPerTask { get; init; }

    /// <summary>Whether each cell asks for one GPU (Slurm <c>--gres=gpu:1</c>, Kubernetes <c>nvidia.com/gpu: 1</c>).</summary>
    public bool Gpu { get; init; }

    /// <summary>Wall-time limit of one cell, [D-]HH:MM:SS.</summary>
    public string TimeLimit { get; init; } = "04:00:00";

    /// <summary>Memory per cell in GiB.</summary>
    public int MemoryGiB { get; init; } = 8;

    /// <summary>Slurm partition; null: the cluster's default.</summary>
    public string? Partition { get; init; }

    /// <summary>Slurm account; null: the user's default.</summary>
    public string? Account { get; init; }

    /// <summary>
    /// The command that starts the study on the cluster (words separated by spaces); null: this program as built here
    /// for Slurm (a shared filesystem), <c>catapults-study</c> for Kubernetes (the image's program).
    /// </summary>
    public string? StudyCommand { get; init; }

    /// <summary>Kubernetes: the container image holding the study.</summary>
    public string Image { get; init; } = "catapults-study:latest";

    /// <summary>Kubernetes: the PersistentVolumeClaim that holds the run folder (ReadWriteMany).</summary>
    public string VolumeClaim { get; init; } = "catapults-runs";

    /// <summary>Kubernetes: the claim's size when the emitted claim creates it.</summary>
    public string VolumeSize { get; init; } = "100Gi";

    /// <summary>Kubernetes: where the claim is mounted in every pod; the run folder is &lt;mount&gt;/&lt;folder name&gt;.</summary>
    public string MountPath { get; init; } = "/runs";

    /// <summary>Kubernetes: retries of one index before the Job gives it up (backoffLimitPerIndex).</summary>
    public int RetriesPerCell { get; init; } = 3;

    /// <summary>The time limit in seconds.</summary>
    public long TimeLimitSeconds
    {
        get
        {
            var m = TimeFormat().Match(TimeLimit);
            long days = m.Groups[1].Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            return ((days * 24 + int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)) * 60
                    + int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)) * 60 + int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Checks every value; the message names the option.</summary>
    /// <exception cref="ConfigurationException">A value is out of range or malformed.</exception>
    public ClusterSettings Validate()
    {
        if (Parallel is < 1) throw new ConfigurationException($"--parallel must be at least 1, got {Parallel}.");
        if (CpusPerTask is < 1 or > 1024) throw new ConfigurationException($"--cpus-per-task must be in 1..1024, got {CpusPerTask}.");
        if (MemoryGiB is < 1 or > 65536) throw new ConfigurationException($"--memory-gb must be in 1..65536, got {MemoryGiB}.");
        var time = TimeFormat().Match(TimeLimit ?? "");
        if (!time.Success || int.Parse(time.Groups[3].Value, CultureInfo.InvariantCulture) > 59 || int.Parse(time.Groups[4].Value, CultureInfo.InvariantCulture) > 59)
            throw new ConfigurationException($"--time-limit must be [D-]HH:MM:SS (e.g. 04:00:00 or 1-12:00:00), got '{ErrorText.Visible(TimeLimit ?? "")}'.");
        if (TimeLimitSeconds < 1) throw new ConfigurationException("--time-limit must be at least one second.");
        if (Partition is not null && !SlurmName().IsMatch(Partition)) throw new ConfigurationException($"--partition '{ErrorText.Visible(Partition)}' is not a Slurm partition name.");
        if (Account is not null && !SlurmName().IsMatch(Account)) throw new ConfigurationException($"--account '{ErrorText.Visible(Account)}' is not a Slurm account name.");
        if (StudyCommand is not null && string.IsNullOrWhiteSpace(StudyCommand)) throw new ConfigurationException("--study-command is empty.");
        if (string.IsNullOrWhiteSpace(Image) || Image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new ConfigurationException($"--image '{ErrorText.Visible(Image ?? "")}' is not an image reference (no spaces or control characters).");
        if (!DnsName().IsMatch(VolumeClaim ?? "")) throw new ConfigurationException($"--volume-claim '{ErrorText.Visible(VolumeClaim ?? "")}' is not a Kubernetes name (lower-case letters, digits, '-').");
        // Kubernetes refuses a claim that requests no storage, so a zero size would be emitted only to be rejected on apply.
        if (!Quantity().IsMatch(VolumeSize ?? "") || !VolumeSize!.Any(c => c is >= '1' and <= '9'))
            throw new ConfigurationException($"--volume-size '{ErrorText.Visible(VolumeSize ?? "")}' is not a positive storage quantity such as 100Gi.");
        if (MountPath is null || !MountPath.StartsWith('/') || MountPath.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new ConfigurationException($"--mount-path '{ErrorText.Visible(MountPath ?? "")}' must be an absolute path without spaces.");
        if (RetriesPerCell is < 0 or > 100) throw new ConfigurationException($"--retries must be in 0..100, got {RetriesPerCell}.");
        return this;
    }

    /// <summary>
    /// Checks the settings against <paramref name="plan"/>: a task given fewer cores than the plan's libtorch threads
    /// would have every cell, and the merge, refuse to start (a process may not use more threads than its cores).
    /// </summary>
    /// <exception cref="ConfigurationException">--cpus-per-task is below the plan's --threads.</exception>
    public void CheckFor(CellPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        CheckThreads(plan.Threads);
    }

    /// <summary>The check of <see cref="CheckFor"/> against the libtorch threads a plan will have, before it is made.</summary>
    /// <exception cref="ConfigurationException">--cpus-per-task is below <paramref name="threads"/>.</exception>
    public void CheckThreads(int? threads)
    {
        if (CpusPerTask is int cpus && threads is int t && cpus < t)
            throw new ConfigurationException($"--cpus-per-task {cpus} is below the plan's --threads {t}: every cell would refuse to run with more threads than cores; ask for at least {t} cores, or plan with --threads {cpus}.");
    }

    /// <summary>How many of the plan's cells run at once: <see cref="Parallel"/>, at most the number of cells.</summary>
    public int ParallelCellsOf(CellPlan plan) => Math.Min(Parallel ?? plan.Cells.Count, plan.Cells.Count);

    /// <summary>CPU cores a cell of the plan asks for: <see cref="CpusPerTask"/>, else the plan's libtorch threads, else 1.</summary>
    public int CpusPerCellOf(CellPlan plan) => CpusPerTask ?? plan.Threads ?? 1;

    /// <summary>The study command's words: <see cref="StudyCommand"/> split at spaces, else <paramref name="fallback"/>.</summary>
    public IReadOnlyList<string> StudyCommandOr(IReadOnlyList<string> fallback) =>
        StudyCommand is null ? fallback : StudyCommand.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"^(?:(\d{1,3})-)?(\d{1,2}):(\d{2}):(\d{2})\z")]
    private static partial Regex TimeFormat();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,64}\z")]
    private static partial Regex SlurmName();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?\z")]
    private static partial Regex DnsName();

    [GeneratedRegex(@"^[0-9]+(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?\z")]
    private static partial Regex Quantity();
}
