using System.Globalization;

namespace Catapults.ML.Runtime;

/// <summary>
/// Bounds sizes (a width, a depth, a sample count, a rank) by the memory they need, so that an absurd setting is
/// refused with one line before anything is allocated, instead of failing inside libtorch's allocator with a
/// multi-line C++ message, or being allocated and taking the machine's memory.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The memory a run may plan for: 80% of what the process can use (the machine's or the container's limit).</summary>
    public static double AvailableBytes => 0.8 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>
    /// Null when <paramref name="bytes"/> fits in <see cref="AvailableBytes"/>; otherwise the one-line message
    /// "<paramref name="what"/> needs about … of memory, more than the … available; use smaller sizes.".
    /// </summary>
    /// <param name="bytes">The estimate (a double, so that products of large sizes do not overflow).</param>
    /// <param name="what">What needs it, naming the settings (e.g. "--width 100000 (fcn-2 on d = 100)").</param>
    public static string? Shortfall(double bytes, string what) => Shortfall(bytes, what, AvailableBytes);

    /// <summary>As <see cref="Shortfall(double, string)"/>, against <paramref name="availableBytes"/> instead of <see cref="AvailableBytes"/>.</summary>
    public static string? Shortfall(double bytes, string what, double availableBytes) =>
        bytes > availableBytes ? $"{what} needs about {Format(bytes)} of memory, more than the {Format(availableBytes)} available; use smaller sizes." : null;

    /// <summary>A byte count for a message (e.g. "12.3 GiB").</summary>
    public static string Format(double bytes) => bytes switch
    {
        >= 1L << 40 => (bytes / (1L << 40)).ToString("G3", CultureInfo.InvariantCulture) + " TiB",
        >= 1L << 30 => (bytes / (1L << 30)).ToString("G3", CultureInfo.InvariantCulture) + " GiB",
        _ => (bytes / (1L << 20)).ToString("G3", CultureInfo.InvariantCulture) + " MiB",
    };
}
