using Catapults.ML.Runtime;

namespace Catapults.Study.Infrastructure;

/// <summary>The probe set of a run: a seeded random subset of the training samples on which NTK diagnostics are taken.</summary>
public static class ProbeIndices
{
    /// <summary>
    /// <paramref name="count"/> distinct indices into <paramref name="n"/> training samples, in increasing order,
    /// drawn from the diagnostics stream of <paramref name="seed"/> (so a run's probe set is fixed by its seed and is
    /// recorded in config.json).
    /// </summary>
    public static IReadOnlyList<long> Draw(int n, int count, long seed)
    {
        if (count < 0 || count > n) throw new ArgumentOutOfRangeException(nameof(count), count, $"The probe set must hold 0..{n} samples.");
        var rng = Seeding.DotNetRandom(seed, Seeding.Stream.Diagnostics);
        return Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(count).Select(i => (long)i).OrderBy(i => i).ToList();
    }
}
