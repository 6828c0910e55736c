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
    public static torch.Device Configure(RuntimeOptions? options = null)
    {
        options ??= new RuntimeOptions();
        EnsureLoaded();
        if (options.Threads is int threads)
        {
            if (threads < 1) throw new ArgumentOutOfRangeException(nameof(options), threads, "RuntimeOptions.Threads must be at least 1.");
            torch.set_num_threads(threads);
        }
        return ResolveDevice(options.Device);
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
