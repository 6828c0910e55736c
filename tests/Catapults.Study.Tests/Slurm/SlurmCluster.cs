using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests.Slurm;

/// <summary>
/// A real one-node Slurm cluster on localhost for the tests: munged with a generated key, slurmctld and slurmd with a
/// generated slurm.conf, all state, spool, logs and sockets in a temporary folder and ports chosen free, so it touches
/// no system service and can run beside another one. Without cgroups (proctrack/linuxproc, task/none), so it runs in a
/// container. The commands (sbatch, squeue, scontrol, scancel) find it through SLURM_CONF.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class SlurmCluster : IDisposable
{
    private static readonly string[] Daemons = { "munged", "slurmctld", "slurmd" };
    private static readonly string[] Clients = { "sbatch", "squeue", "scontrol", "scancel", "sinfo" };
    private const string Partition = "cells";
    private readonly Dictionary<string, string> _programs;
    private readonly TempDirectory _folder = new();

    private SlurmCluster(Dictionary<string, string> programs)
    {
        _programs = programs;
    }

    /// <summary>The cluster's temporary folder.</summary>
    public string Root => _folder.Path;

    /// <summary>The generated slurm.conf.</summary>
    public string ConfigPath => Path.Combine(Root, "slurm.conf");

    /// <summary>CPUs of the node (the machine's).</summary>
    public int Cpus { get; } = Environment.ProcessorCount;

    /// <summary>
    /// Starts a cluster, or returns null with the reason when the Slurm and munge programs are absent here and cannot
    /// be installed (installing them needs root and apt-get; .ci/run installs them before the tests).
    /// </summary>
    public static SlurmCluster? TryStart(out string whyNot)
    {
        var programs = FindPrograms();
        if (Missing(programs).Count > 0)
        {
            if (!TryInstall(out string installError))
            {
                whyNot = $"the Slurm test needs {string.Join(", ", Missing(programs))} (Debian: apt-get install slurm-wlm munge), " +
                         $"and they cannot be installed here: {installError}";
                return null;
            }
            programs = FindPrograms();
            if (Missing(programs).Count > 0)
            {
                whyNot = $"apt-get installed slurm-wlm and munge, yet {string.Join(", ", Missing(programs))} cannot be found.";
                return null;
            }
        }
        var cluster = new SlurmCluster(programs);
        try
        {
            cluster.Start();
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
        whyNot = "";
        return cluster;
    }

    private void Start()
    {
        foreach (var folder in new[] { "munge", "socket", "state", "spool", "log" }) Directory.CreateDirectory(Path.Combine(Root, folder));
        // munged insists: its key readable by its owner only, and every folder above its socket searchable by all.
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(Root, "socket"), (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(Root, "munge"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string key = Path.Combine(Root, "munge", "munge.key");
        File.WriteAllBytes(key, System.Security.Cryptography.RandomNumberGenerator.GetBytes(1024));
        File.SetUnixFileMode(key, UnixFileMode.UserRead);
        string socket = Path.Combine(Root, "socket", "munge.socket");
        Daemon("munged", $"--key-file={key}", $"--socket={socket}", $"--pid-file={Path.Combine(Root, "munge", "munged.pid")}",
            $"--log-file={Path.Combine(Root, "log", "munged.log")}", $"--seed-file={Path.Combine(Root, "munge", "munged.seed")}");
        WaitFor(() => File.Exists(socket), TimeSpan.FromSeconds(20), "munged's socket", Path.Combine(Root, "log", "munged.log"));

        string host = System.Net.Dns.GetHostName().Split('.')[0];
        long memoryMb = AvailableMemoryMb();
        var conf = new StringBuilder()
            .AppendLine("ClusterName=catapults-test")
            .AppendLine(CultureInfo.InvariantCulture, $"SlurmctldHost={host}(127.0.0.1)")
            .AppendLine(CultureInfo.InvariantCulture, $"SlurmctldPort={FreePort()}")
            .AppendLine(CultureInfo.InvariantCulture, $"SlurmdPort={FreePort()}")
            .AppendLine("AuthType=auth/munge")
            .AppendLine(CultureInfo.InvariantCulture, $"AuthInfo=socket={socket}")
            .AppendLine("CredType=cred/munge")
            .AppendLine("SlurmUser=root")
            .AppendLine("SlurmdUser=root")
            .AppendLine(CultureInfo.InvariantCulture, $"StateSaveLocation={Path.Combine(Root, "state")}")
            .AppendLine(CultureInfo.InvariantCulture, $"SlurmdSpoolDir={Path.Combine(Root, "spool")}")
            .AppendLine(CultureInfo.InvariantCulture, $"SlurmctldPidFile={Path.Combine(Root, "slurmctld.pid")}")
            .AppendLine(CultureInfo.InvariantCulture, $"SlurmdPidFile={Path.Combine(Root, "slurmd.pid")}")
            .AppendLine(CultureInfo.InvariantCulture, $"SlurmctldLogFile={Path.Combine(Root, "log", "slurmctld.log")}")
            .AppendLine(CultureInfo.InvariantCulture, $"SlurmdLogFile={Path.Combine(Root, "log", "slurmd.log")}")
            // No cgroups: a container has none to give, and the test needs no confinement.
            .AppendLine("ProctrackType=proctrack/linuxproc")
            .AppendLine("TaskPlugin=task/none")
            .AppendLine("JobAcctGatherType=jobacct_gather/none")
            .AppendLine("AccountingStorageType=accounting_storage/none")
            .AppendLine("JobCompType=jobcomp/none")
            .AppendLine("SelectType=select/cons_tres")
            .AppendLine("SelectTypeParameters=CR_CPU")
            .AppendLine("SchedulerType=sched/backfill")
            .AppendLine("MpiDefault=none")
            .AppendLine("SwitchType=switch/none")
            .AppendLine("ReturnToService=2")
            // Finished jobs stay visible to scontrol for ten minutes, so the test reads their final state.
            .AppendLine("MinJobAge=600")
            .AppendLine("MailProg=/bin/true")
            .AppendLine(CultureInfo.InvariantCulture, $"NodeName=node0 NodeHostname={host} NodeAddr=127.0.0.1 CPUs={Cpus} RealMemory={memoryMb} State=UNKNOWN")
            .AppendLine(CultureInfo.InvariantCulture, $"PartitionName={Partition} Nodes=node0 Default=YES MaxTime=INFINITE State=UP");
        File.WriteAllText(ConfigPath, conf.ToString());
        Daemon("slurmctld", "-f", ConfigPath);
        Daemon("slurmd", "-f", ConfigPath, "-N", "node0");
        WaitFor(() => Run("sinfo", "-h", "-o", "%T").Output.Trim() is "idle", TimeSpan.FromSeconds(60), "the node to be idle",
            Path.Combine(Root, "log", "slurmctld.log"));
    }

    /// <summary>Runs a Slurm command against this cluster; returns its exit code and its output (stdout then stderr).</summary>
    public (int ExitCode, string Output, string Error) Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(_programs.GetValueOrDefault(program, program))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = ConfigPath;
        // The emitted submit.sh calls sbatch by name.
        info.Environment["PATH"] = string.Join(':', _programs.Values.Select(Path.GetDirectoryName).Distinct()) + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 120 s.");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Waits until none of <paramref name="jobIds"/> is pending or running.</summary>
    public void WaitUntilDone(IEnumerable<string> jobIds, TimeSpan timeout)
    {
        string ids = string.Join(',', jobIds);
        WaitFor(() => Run("squeue", "-h", "-j", ids, "-o", "%i %T").Output.Trim().Length == 0, timeout, $"jobs {ids} to end",
            Path.Combine(Root, "log", "slurmctld.log"), poll: TimeSpan.FromSeconds(1));
    }

    /// <summary>The final states of job <paramref name="jobId"/> (every task of an array), from scontrol.</summary>
    public IReadOnlyList<string> States(string jobId)
    {
        var (code, output, error) = Run("scontrol", "show", "job", jobId);
        if (code != 0) throw new InvalidOperationException($"scontrol show job {jobId} failed: {error}");
        return StateField().Matches(output).Select(m => m.Groups[1].Value).ToList();
    }

    /// <summary>The cluster's logs, for a failure message.</summary>
    public string Logs() => string.Join("\n", Directory.EnumerateFiles(Path.Combine(Root, "log"))
        .Select(f => $"--- {Path.GetFileName(f)} (end) ---\n{Tail(File.ReadAllText(f), 3000)}"));

    public void Dispose()
    {
        try
        {
            if (File.Exists(ConfigPath))
            {
                Run("scancel", "--partition", Partition);
                Run("scontrol", "shutdown");
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // The pid files below stop what is left.
        }
        foreach (var pidFile in new[] { "slurmd.pid", "slurmctld.pid", Path.Combine("munge", "munged.pid") })
            StopByPidFile(Path.Combine(Root, pidFile));
        _folder.Dispose();
    }

    private void Daemon(string program, params string[] arguments)
    {
        // Through a shell so the daemon's standard streams are /dev/null: a daemon holding the test host's pipes would
        // keep 'dotnet test' waiting after the tests end.
        string command = "exec " + string.Join(' ', new[] { _programs[program] }.Concat(arguments).Select(a => "'" + a.Replace("'", "'\\''") + "'")) + " </dev/null >/dev/null 2>&1";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment["SLURM_CONF"] = ConfigPath;
        using var process = Process.Start(info)!;
        if (!process.WaitForExit(30_000) || process.ExitCode != 0)
            throw new InvalidOperationException($"{program} did not start (exit code {(process.HasExited ? process.ExitCode : -1)}).\n{Logs()}");
    }

    private static void StopByPidFile(string path)
    {
        if (!File.Exists(path) || !int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return;
        try
        {
            using var process = Process.GetProcessById(pid);
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
                process.WaitForExit(5_000);
            }
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private static void WaitFor(Func<bool> condition, TimeSpan timeout, string what, string log, TimeSpan? poll = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"waited {timeout.TotalSeconds:F0} s for {what}.\n{(File.Exists(log) ? Tail(File.ReadAllText(log), 3000) : log + " is missing")}");
            Thread.Sleep(poll ?? TimeSpan.FromMilliseconds(200));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static long AvailableMemoryMb()
    {
        // A node configured with more memory than it has is drained; less is fine.
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        long kb = long.Parse(Regex.Match(line, @"\d+").Value, CultureInfo.InvariantCulture);
        return Math.Max(1, kb / 1024 * 9 / 10);
    }

    private static List<string> Missing(Dictionary<string, string> programs) => Daemons.Concat(Clients).Where(p => !programs.ContainsKey(p)).ToList();

    private static Dictionary<string, string> FindPrograms()
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin" }).Distinct().ToList();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var program in Daemons.Concat(Clients))
            if (folders.Select(f => Path.Combine(f, program)).FirstOrDefault(File.Exists) is string path) found[program] = path;
        return found;
    }

    private static bool TryInstall(out string error)
    {
        error = "";
        if (Environment.UserName != "root" && !string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal))
        {
            error = "not root";
            return false;
        }
        if (!File.Exists("/usr/bin/apt-get"))
        {
            error = "no apt-get";
            return false;
        }
        foreach (var arguments in new[] { "-o DPkg::Lock::Timeout=600 update -q", "-o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends slurm-wlm munge" })
        {
            var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"apt-get {arguments} </dev/null");
            info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                error = $"apt-get {arguments} failed: {Tail(stderr.Trim(), 500)}";
                return false;
            }
            _ = output.Result;
        }
        return true;
    }

    private static string Tail(string text, int characters) => text.Length <= characters ? text : "…" + text[^characters..];

    [GeneratedRegex(@"JobState=(\S+)")]
    private static partial Regex StateField();
}
