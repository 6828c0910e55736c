using Catapults.ML.Scaling;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// A γ–η sweep run as the study runs it: each γ's scan on its own through <see cref="EnsembledRateScan"/> (one seed,
/// with its own store, as a <see cref="GammaScan"/> cell), its rates put back in their place in the grid, and the
/// whole grid summarised by the engine's <see cref="FeatureStrengthSweep.Summarise"/>.
/// </summary>
internal static class EnsembledSweep
{
    /// <summary>What training gives, by the synthetic physics.</summary>
    public static IReadOnlyList<SweepCellResult> Synthetic(IReadOnlyList<(int Seed, SweepCell Cell)> cells, CancellationToken cancellationToken) =>
        cells.Select(c => SyntheticSweepPhysics.Result(c.Cell)).ToList();

    /// <summary>Runs every γ of <paramref name="options"/> with <paramref name="runEnsemble"/> and summarises the grid.</summary>
    public static SweepResult Run(FeatureStrengthSweepOptions options,
        Func<IReadOnlyList<(int Seed, SweepCell Cell)>, CancellationToken, IReadOnlyList<SweepCellResult>> runEnsemble)
    {
        using var temp = new TempDirectory();
        var gammas = options.Gammas;
        var cells = new List<SweepCellResult>();
        try
        {
            for (int i = 0; i < gammas.Length; i++)
            {
                options.Gammas = new[] { gammas[i] };
                var store = SweepStore.Open(temp.Combine($"gamma-{i}"), "m");
                var scan = EnsembledRateScan.Run(options, new[] { store }, runEnsemble, EnsembledRateScan.DefaultWidth, null, CancellationToken.None)[0];
                int index = i;
                cells.AddRange(scan.Select(r => r with { Cell = r.Cell with { GammaIndex = index } }));
            }
        }
        finally
        {
            options.Gammas = gammas;
        }
        return FeatureStrengthSweep.Summarise(options, cells);
    }
}
