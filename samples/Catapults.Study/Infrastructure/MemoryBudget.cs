namespace Catapults.Study.Infrastructure;

/// <summary>
/// Bounds sizes (width, n, rank) by the memory they need, so that an absurd option is refused with one line before
/// anything runs instead of failing inside libtorch's allocator mid-sweep.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The memory a run may plan for: 80% of what the process can use (the machine's or the container's limit).</summary>
    public static double AvailableBytes => 0.8 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Throws <see cref="ConfigurationException"/> when <paramref name="bytes"/> exceeds <see cref="AvailableBytes"/>.</summary>
    /// <param name="bytes">The estimate (a double, so that products of large sizes do not overflow).</param>
    /// <param name="what">What needs it, naming the options (e.g. "--width 100000 (fcn-2 on d = 100)").</param>
    public static void Require(double bytes, string what)
    {
        if (bytes > AvailableBytes)
            throw new ConfigurationException($"{what} needs about {Format(bytes)} of memory, more than the {Format(AvailableBytes)} available; use smaller sizes.");
    }

    /// <summary>A byte count for a message (e.g. "12.3 GiB").</summary>
    public static string Format(double bytes) => bytes switch
    {
        >= 1L << 40 => (bytes / (1L << 40)).ToString("G3", CultureInfo.InvariantCulture) + " TiB",
        >= 1L << 30 => (bytes / (1L << 30)).ToString("G3", CultureInfo.InvariantCulture) + " GiB",
        _ => (bytes / (1L << 20)).ToString("G3", CultureInfo.InvariantCulture) + " MiB",
    };
}
