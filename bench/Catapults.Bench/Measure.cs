using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Catapults.Bench;

/// <summary>Timing and memory helpers shared by the benchmarks.</summary>
public static class Measure
{
    /// <summary>
    /// How long the step benchmarks warm up before they time anything. .NET's tiered JIT compiles a workload's hot
    /// methods again, optimised, on a background thread, in batches once their calls have been counted; on the 2-core
    /// AMD EPYC a b = 5 training step ran at about 0.27 ms for its first ~3,000 steps (the first 1.3 s) and at 0.23 ms
    /// once the JIT had finished. The benchmarks measure that steady state, as a long training run sees it, and say how
    /// many methods the JIT still compiled during the timed part (<see cref="JitCompiledMethods"/>).
    /// </summary>
    public static readonly TimeSpan SteadyStateWarmUp = TimeSpan.FromSeconds(3);

    /// <summary>The <see cref="SteadyStateWarmUp"/> of a <c>--quick</c> run, which checks that the program works, not its figures.</summary>
    public static readonly TimeSpan QuickWarmUp = TimeSpan.FromSeconds(0.2);

    /// <summary>The warm-up of a run: <see cref="QuickWarmUp"/> with <c>--quick</c>, else <see cref="SteadyStateWarmUp"/>.</summary>
    public static TimeSpan WarmUpFor(bool quick) => quick ? QuickWarmUp : SteadyStateWarmUp;

    /// <summary>Runs <paramref name="action"/> untimed, at least once, until <paramref name="minimum"/> has passed; returns how many times it ran.</summary>
    public static int WarmUp(Action action, TimeSpan minimum)
    {
        var clock = Stopwatch.StartNew();
        int runs = 0;
        do
        {
            action();
            runs++;
        }
        while (clock.Elapsed < minimum);
        return runs;
    }

    /// <summary>Methods the JIT has compiled in this process so far (every tier), to show that a warm-up was long enough.</summary>
    public static long JitCompiledMethods() => System.Runtime.JitInfo.GetCompiledMethodCount();

    /// <summary>Median wall time in milliseconds of <paramref name="repeats"/> runs after <paramref name="warmups"/> untimed runs.</summary>
    public static double MedianMilliseconds(Action action, int repeats, int warmups = 1)
    {
        for (int i = 0; i < warmups; i++) action();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return repeats % 2 == 1 ? times[repeats / 2] : 0.5 * (times[repeats / 2 - 1] + times[repeats / 2]);
    }

    /// <summary>
    /// Median wall time and median CPU time of the calling thread in milliseconds over <paramref name="repeats"/> runs
    /// after <paramref name="warmups"/>. With one libtorch thread the work runs on the calling thread, so its CPU time is
    /// the work itself: on a shared machine it leaves out the time other processes held the cores (which the wall time
    /// counts) and the runtime's background threads (JIT, GC).
    /// </summary>
    public static (double Wall, double Cpu) MedianWallAndCpuMilliseconds(Action action, int repeats, int warmups = 1)
    {
        for (int i = 0; i < warmups; i++) action();
        var wall = new double[repeats];
        var cpu = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            double cpuStart = CpuMilliseconds();
            var sw = Stopwatch.StartNew();
            action();
            wall[i] = sw.Elapsed.TotalMilliseconds;
            cpu[i] = CpuMilliseconds() - cpuStart;
        }
        return (Median(wall), Median(cpu));
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    }

    /// <summary>CPU time of the calling thread so far in milliseconds (CLOCK_THREAD_CPUTIME_ID; the whole process's where that clock is missing).</summary>
    public static double CpuMilliseconds()
    {
        try
        {
            if (ClockGetTime(ThreadCpuClock, out var time) == 0) return time.Seconds * 1e3 + time.Nanoseconds * 1e-6;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not Linux: fall through to the process clock.
        }
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    private const int ThreadCpuClock = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>
    /// Peak resident set size of this process so far, in MiB (VmHWM from /proc/self/status; covers libtorch's
    /// native allocations, which the GC does not see). Null where /proc is unavailable.
    /// </summary>
    public static double? PeakResidentMiB()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return null;
    }

    /// <summary>Resets the peak RSS counter (Linux ≥ 4.0: write 5 to /proc/self/clear_refs). Returns false when not possible.</summary>
    public static bool ResetPeakResident()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A one-line description of the machine, printed with every table.</summary>
    public static string MachineLine() =>
        $"{RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores, " +
        $"{RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, torch threads {TorchSharp.torch.get_num_threads()}";
}
