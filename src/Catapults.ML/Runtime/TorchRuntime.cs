namespace Catapults.ML.Runtime;

/// <summary>
/// Loads TorchSharp's native backend with a clear error, applies <see cref="RuntimeOptions"/>, and resolves devices.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>
    /// Makes sure libtorch is loaded. When the native library cannot be loaded, throws
    /// <see cref="InvalidOperationException"/> whose message names the cause the system loader gives (for example
    /// <c>GLIBCXX_3.4.32</c> missing from an older libstdc++) and the fix; the original exception is the inner one.
    /// </summary>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            try
            {
                // Touching torch runs its static initialiser, which loads libLibTorchSharp.so and libtorch.
                torch.InitializeDeviceType(DeviceType.CPU);
                _loaded = true;
            }
            catch (Exception ex) when (ex is TypeInitializationException or NotSupportedException or DllNotFoundException)
            {
                throw new InvalidOperationException(NativeLoadDiagnosis.Describe(ex), ex);
            }
        }
    }

    /// <summary>Applies runtime options (thread count) and returns the resolved device.</summary>
    /// <exception cref="ArgumentException">The thread count is outside 1..<see cref="RuntimeOptions.MaximumThreads"/>.</exception>
    public static torch.Device Configure(RuntimeOptions? options = null)
    {
        options ??= new RuntimeOptions();
        if (options.Threads is int threads && RuntimeOptions.ThreadCountProblem(threads) is { } problem)
            throw new ArgumentException($"RuntimeOptions.Threads {problem}.", nameof(options));
        EnsureLoaded();
        if (options.Threads is int count) torch.set_num_threads(count);
        return ResolveDevice(options.Device);
    }

    /// <summary>
    /// The freed native memory <see cref="RetainFreedNativeMemory"/> keeps mapped by default: 256 MiB. Why this much:
    /// the feature-strength study's ensembles free and reallocate up to a few hundred MiB of buffers every step, and
    /// glibc returned them to the system each time. Measured on three γ of its depth-4, five-seed sweep (30-member
    /// ensembles): system CPU time 43 s with 64 MiB, 0.6 s with 256 MiB, and peak memory 369 MB → 436 MB (README,
    /// "TorchSharp on Debian 12").
    /// </summary>
    public const int DefaultRetainedFreeMemoryBytes = 256 << 20;

    /// <summary>
    /// Makes the C allocator keep freed memory mapped instead of returning it to the operating system at once, so that
    /// tensors freed and reallocated every step do not pay page faults every step: allocations below
    /// min(<paramref name="bytes"/>, 32 MiB) come from the heap (glibc's M_MMAP_THRESHOLD) and up to
    /// <paramref name="bytes"/> of freed heap stays mapped (M_TRIM_THRESHOLD). Process-wide and never undone, so it is
    /// for programs, not libraries: the study and benchmark programs call it first thing; an application that trains
    /// in a loop may do the same. It does not load libtorch.
    /// </summary>
    /// <returns>True when the settings took (Linux with glibc); false where there is no glibc allocator to tune.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is negative.</exception>
    public static bool RetainFreedNativeMemory(int bytes = DefaultRetainedFreeMemoryBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return NativeAllocator.RetainFreedMemory(bytes);
    }

    /// <summary>Resolves a <see cref="DeviceChoice"/> to a torch device.</summary>
    public static torch.Device ResolveDevice(DeviceChoice choice)
    {
        EnsureLoaded();
        switch (choice)
        {
            case DeviceChoice.Cpu:
                return torch.CPU;
            case DeviceChoice.Cuda:
                if (!CudaAvailable())
                    throw new InvalidOperationException(
                        "DeviceChoice.Cuda was requested but no CUDA device is usable. Reference a CUDA libtorch package " +
                        "instead of libtorch-cpu-linux-x64 (README, 'Running on a GPU') and check the GPU driver.");
                return torch.CUDA;
            default:
                return CudaAvailable() ? torch.CUDA : torch.CPU;
        }
    }

    /// <summary>True when libtorch was built with CUDA and a device is present.</summary>
    public static bool CudaAvailable()
    {
        try
        {
            return torch.cuda.is_available();
        }
        catch (Exception)
        {
            // A CPU-only libtorch may throw rather than answer false; either way there is no GPU to use.
            return false;
        }
    }
}
