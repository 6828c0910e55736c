namespace Catapults.ML.Runtime;

/// <summary>Process-wide runtime settings for the engine.</summary>
public sealed class RuntimeOptions
{
    /// <summary>
    /// Number of intra-op threads libtorch uses. <c>null</c> (the default) keeps libtorch's own choice (one per core).
    /// Set it to 1 for bit-identical results across runs. The setting is process-wide, so it is applied once, here.
    /// </summary>
    public int? Threads { get; set; }

    /// <summary>
    /// The most threads <see cref="Threads"/> may ask for: the cores this process may use
    /// (<see cref="Environment.ProcessorCount"/>, which honours affinity and container limits). More threads than cores
    /// only contend, and a very large count (100,000) ended the process with a native stack overflow inside libtorch's
    /// first parallel operation, which no caller can catch, so the count is checked before libtorch sees it.
    /// </summary>
    public static int MaximumThreads => Environment.ProcessorCount;

    /// <summary>
    /// What is wrong with <paramref name="threads"/> as a thread count, as the end of a sentence that starts with the
    /// option's name ("must be in 1..2 (the cores this process may use), got 0"), or null when it is usable.
    /// </summary>
    public static string? ThreadCountProblem(int threads) =>
        threads >= 1 && threads <= MaximumThreads ? null : $"must be in 1..{MaximumThreads} (the cores this process may use), got {threads}";

    /// <summary>Device choice; default <see cref="DeviceChoice.Auto"/>.</summary>
    public DeviceChoice Device { get; set; } = DeviceChoice.Auto;
}
