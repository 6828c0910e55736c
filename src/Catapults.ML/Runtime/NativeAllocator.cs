using System.Runtime.InteropServices;

namespace Catapults.ML.Runtime;

/// <summary>
/// The C allocator under libtorch's CPU tensors. glibc gives every allocation above its mmap threshold a mapping of
/// its own and unmaps it on free, and trims the heap top as soon as a little is free, so a training loop that frees
/// and reallocates the same buffers every step pays a page fault for each of their pages every step: system CPU time,
/// not arithmetic.
/// </summary>
internal static class NativeAllocator
{
    // mallopt's parameters (glibc's malloc.h).
    private const int TrimThresholdParameter = -1;
    private const int MmapThresholdParameter = -3;

    /// <summary>The largest mmap threshold glibc accepts on 64-bit systems (half its 64 MiB heap size).</summary>
    public const int LargestMmapThreshold = 32 << 20;

    /// <summary>
    /// Serves allocations below min(<paramref name="bytes"/>, <see cref="LargestMmapThreshold"/>) from the heap and
    /// lets up to <paramref name="bytes"/> of freed memory stay at the heap top before it is trimmed; true when glibc
    /// took both settings, false where there is no glibc allocator to tune.
    /// </summary>
    /// <remarks>
    /// Both are needed, as measured on feature-strength sweeps: the trim threshold alone changed nothing (the buffers
    /// were mappings of their own), and the mmap threshold alone removed only about a third of the system time (the
    /// heap was still trimmed after each free).
    /// </remarks>
    public static bool RetainFreedMemory(int bytes)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return false;
        try
        {
            return Mallopt(MmapThresholdParameter, Math.Min(bytes, LargestMmapThreshold)) == 1
                && Mallopt(TrimThresholdParameter, bytes) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
}
