namespace Catapults.ML.Runtime;

/// <summary>Process-wide runtime settings for the engine.</summary>
public sealed class RuntimeOptions
{
    /// <summary>
    /// Number of intra-op threads libtorch uses. <c>null</c> (the default) keeps libtorch's own choice (one per core).
    /// Set it to 1 for bit-identical results across runs. The setting is process-wide, so it is applied once, here.
    /// </summary>
    public int? Threads { get; set; }

    /// <summary>Device choice; default <see cref="DeviceChoice.Auto"/>.</summary>
    public DeviceChoice Device { get; set; } = DeviceChoice.Auto;
}
