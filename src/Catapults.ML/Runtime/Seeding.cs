namespace Catapults.ML.Runtime;

/// <summary>
/// Seeded random streams. Every random draw of the engine (initialisation, data, shuffling, probe vectors) takes
/// its own generator derived from a user seed and a fixed purpose tag, so adding a draw in one place never shifts
/// the random numbers of another.
/// </summary>
public static class Seeding
{
    /// <summary>Purpose tags mixed into seeds.</summary>
    public enum Stream : ulong
    {
        /// <summary>Weight initialisation.</summary>
        Initialization = 0x1A17,
        /// <summary>Synthetic data.</summary>
        Data = 0xDA7A,
        /// <summary>Mini-batch order.</summary>
        Shuffle = 0x5F1E,
        /// <summary>Probe sets and eigensolver start vectors.</summary>
        Diagnostics = 0xD1A6,
        // Online and HeldOut keep the values OnlineBatchSource used before they were named, so stored sweeps resume
        // with the same draws.
        /// <summary>Fresh per-step samples of online training (<see cref="Training.OnlineBatchSource"/>).</summary>
        Online = 0x0411_1E0B,
        /// <summary>The fixed held-out set of an online run (<see cref="Training.OnlineBatchSource.DrawHeldOut"/>).</summary>
        HeldOut = 0x4E1D_0B7E,
    }

    /// <summary>Mixes a seed and a purpose into a well-spread 64-bit seed (SplitMix64 finaliser).</summary>
    public static ulong Derive(long seed, Stream stream)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A CPU torch generator for the given seed and purpose.</summary>
    public static torch.Generator TorchGenerator(long seed, Stream stream)
    {
        TorchRuntime.EnsureLoaded();
        return new torch.Generator(Derive(seed, stream) & 0x7FFF_FFFF_FFFF_FFFFUL);
    }

    /// <summary>A .NET random generator for the given seed and purpose.</summary>
    public static Random DotNetRandom(long seed, Stream stream) => new((int)(Derive(seed, stream) & 0x7FFF_FFFF));
}
