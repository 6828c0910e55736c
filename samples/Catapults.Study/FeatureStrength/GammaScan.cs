using Catapults.ML.Scaling;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// One γ's learning-rate scans, one per seed, as a cell. A scan is sequential (each rate depends on the outcome of the
/// last), so one γ is the smallest unit that runs on its own; its seeds train side by side as members of the same
/// ensembles. Each seed's finished rates are kept in the cell's folder (seed-S/cells/, written atomically by a
/// <see cref="SweepStore"/>), so a killed scan resumes without rerunning them, and the whole cell ends in scan.json.
/// </summary>
internal static class GammaScan
{
    /// <summary>The file that holds a finished cell's scans, one per seed.</summary>
    public const string ResultFile = "scan.json";

    /// <summary>The folder of one seed's store inside a cell's folder.</summary>
    public static string SeedFolder(string folder, long seed) => Path.Combine(folder, $"seed-{seed.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>Runs (or resumes) the scans of γ number <paramref name="gammaIndex"/> of <paramref name="settings"/> at each of its seeds in <paramref name="folder"/>.</summary>
    public static IReadOnlyList<SeedScan> Run(FeatureStrengthSettings settings, int gammaIndex, string folder,
        IProgress<(long Seed, SweepCellResult Result)>? progress, CancellationToken cancellationToken)
    {
        var options = settings.SweepOptions();
        options.Gammas = new[] { settings.Gammas()[gammaIndex] };
        var seeds = settings.SeedList();
        // Each seed's store has its own manifest (the settings at that seed alone), so a seed's finished rates never
        // pass for another's.
        var stores = seeds.Select(seed => OpenOrStartOver(SeedFolder(folder, seed), settings.ForSeed(seed).Manifest(), Mismatch(settings, seed))).ToList();
        // The scans' rates share the architecture, the batch size and the step budget, so they train as ensemble
        // members, the seeds included.
        var found = EnsembledRateScan.Run(options, stores,
            (cells, ct) => FeatureStrengthCellRunner.RunEnsemble(cells.Select(c => (settings.ForSeed(seeds[c.Seed]).CellSpec(c.Cell.Gamma, c.Cell.LearningRate), c.Cell)).ToList(), ct),
            EnsembledRateScan.DefaultWidth, progress is null ? null : new Progress(p => progress.Report((seeds[p.Seed], p.Result))), cancellationToken);
        var scans = seeds.Select((seed, s) =>
        {
            var result = FeatureStrengthSweep.Summarise(options, found[s]);
            // The scan ran as a sweep of one γ; its results take their place in the full grid here.
            return new SeedScan(seed, result.Cells.Select(r => r with { Cell = r.Cell with { GammaIndex = gammaIndex } }).ToList());
        }).ToList();
        AtomicFile.WriteText(Path.Combine(folder, ResultFile), JsonSerializer.Serialize(scans, SweepJson.Compact));
        return scans;
    }

    // A store whose manifest is torn or another sweep's holds nothing this cell can resume from, and refusing it would
    // leave a cell that no rerun or scheduler retry can finish: its folder is the cell's own, so it starts over.
    private static SweepStore OpenOrStartOver(string seedFolder, string manifest, Func<SweepCellResult, string?> mismatch)
    {
        try
        {
            return SweepStore.Open(seedFolder, manifest, mismatch);
        }
        catch (InvalidDataException)
        {
            Console.WriteLine($"{Path.Combine(seedFolder, SweepStore.ManifestFileName)} is torn or describes another sweep than this cell's; its rates are not reused, and this seed's scan starts over.");
            Directory.Delete(seedFolder, recursive: true);
            return SweepStore.Open(seedFolder, manifest, mismatch);
        }
    }

    // A rate file is bound to its store by the cell's γ and η only; its budget shows whether it is this sweep's run.
    private static Func<SweepCellResult, string?> Mismatch(FeatureStrengthSettings settings, long seed) =>
        result => settings.ForSeed(seed).CellSpec(result.Cell.Gamma, result.Cell.LearningRate).Mismatch(result);

    /// <summary>
    /// What is wrong with a finished cell's files, or null: scan.json unreadable, or not the scans of this cell (the
    /// seeds of <paramref name="settings"/> at γ number <paramref name="gammaIndex"/>), as one copied from another cell
    /// would be. Each seed's store is bound to the cell's settings by its manifest, and every rate in scan.json must be
    /// one its store recorded, with the same outcome and selection loss (a scan of another depth or sweep at the same γ
    /// and rates differs there).
    /// </summary>
    public static string? Verify(string folder, FeatureStrengthSettings settings, int gammaIndex)
    {
        try
        {
            var scans = Read(folder);
            var seeds = settings.SeedList();
            double gamma = settings.Gammas()[gammaIndex];
            string path = Path.Combine(folder, ResultFile);
            if (!scans.Select(s => s.Seed).SequenceEqual(seeds))
                return $"{path} holds the seeds [{string.Join(", ", scans.Select(s => s.Seed))}], not [{string.Join(", ", seeds)}]";
            if (scans.SelectMany(s => s.Cells).FirstOrDefault(c => c.Cell.GammaIndex != gammaIndex || c.Cell.Gamma != gamma) is { } other)
                return $"{path} holds rates of γ number {other.Cell.GammaIndex} (γ = {other.Cell.Gamma:G4}), not {gammaIndex} (γ = {gamma:G4})";
            foreach (var scan in scans)
            {
                string seedFolder = SeedFolder(folder, scan.Seed);
                string manifest = settings.ForSeed(scan.Seed).Manifest();
                string manifestPath = Path.Combine(seedFolder, SweepStore.ManifestFileName);
                if (!File.Exists(manifestPath) || File.ReadAllText(manifestPath) != manifest)
                    return $"{manifestPath} is missing or describes another sweep than this cell's";
                var store = SweepStore.ForReading(seedFolder, Mismatch(settings, scan.Seed));
                foreach (var rate in scan.Cells)
                {
                    // The store ran a sweep of this one γ, where it is γ number 0.
                    var stored = store.TryLoad(rate.Cell with { GammaIndex = 0 });
                    if (stored is null || stored.Outcome != rate.Outcome || stored.SelectionLoss != rate.SelectionLoss)
                        return $"{path}: seed {scan.Seed}'s rate η = {rate.Cell.LearningRate:G4} is not the one its store ({store.CellDirectory}) recorded";
                }
            }
            return null;
        }
        catch (InvalidDataException ex)
        {
            return ex.Message.TrimEnd('.');
        }
    }

    /// <summary>A finished cell's scans, one per seed.</summary>
    /// <exception cref="InvalidDataException">scan.json is missing or does not hold them; the message names it.</exception>
    public static IReadOnlyList<SeedScan> Read(string folder)
    {
        string path = Path.Combine(folder, ResultFile);
        try
        {
            var scans = JsonSerializer.Deserialize<List<SeedScan>>(File.ReadAllText(path), SweepJson.Compact) ?? throw new InvalidDataException($"{path} is empty.");
            if (scans.Count == 0 || scans.Any(s => s?.Cells is null)) throw new InvalidDataException($"{path} holds no seed's scan.");
            if (scans.Any(s => s.Cells.Any(c => c?.Cell is null))) throw new InvalidDataException($"{path} holds a rate without its cell (γ, η).");
            return scans;
        }
        catch (Exception ex) when (StudyJson.IsMalformed(ex))
        {
            throw new InvalidDataException($"{path} is not a readable scan ({ex.Message}).", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{path} is missing.", ex);
        }
    }

    // Progress from the scans, which know seeds by position.
    private sealed class Progress(Action<(int Seed, SweepCellResult Result)> report) : IProgress<(int Seed, SweepCellResult Result)>
    {
        public void Report((int Seed, SweepCellResult Result) value) => report(value);
    }
}
