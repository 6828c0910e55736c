using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Catapults.Study.Infrastructure;
using Catapults.ML.Runtime;

namespace Catapults.Study.Cells;

/// <summary>
/// An experiment's sweep as a list of cells, stored as plan.json in the run folder: the experiment's name, the
/// settings its merge needs, and every cell's index, label and full configuration, one cell per line. A plan is fixed
/// by the options alone, so planning twice with the same options gives the same bytes. From format 2 the file holds the
/// SHA-256 of the rest of itself: the merge reports from the plan's settings, which no cell's checksum covers.
/// </summary>
public sealed partial record CellPlan
{
    /// <summary>The plan's file name inside the run folder.</summary>
    public const string FileName = "plan.json";

    /// <summary>The folder, inside the run folder, that holds one folder per cell.</summary>
    public const string CellsFolder = "runs";

    /// <summary>The version of the file format this code writes; it reads this one and format 1 (without the digest).</summary>
    public const int CurrentFormat = 2;

    // The first format whose files carry their digest.
    private const int FirstFormatWithDigest = 2;

    /// <summary>The file format's version.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The experiment (sub-command) whose cells these are.</summary>
    public required string Experiment { get; init; }

    /// <summary>libtorch threads each cell runs with (part of what makes reruns bit-identical); null: the cells use none.</summary>
    public int? Threads { get; init; }

    /// <summary>What the experiment's merge needs beyond the cells (e.g. the measured learning rate); an empty object when nothing.</summary>
    public JsonElement Settings { get; init; } = CellJson.ToElement(new { });

    /// <summary>The cells, in index order.</summary>
    public required IReadOnlyList<PlannedCell> Cells { get; init; }

    /// <summary>
    /// The SHA-256 (lower-case hex) of plan.json as written without this field, as read from the file; null in a plan
    /// made here (<see cref="ToJson"/> computes it) and in format 1.
    /// </summary>
    [JsonInclude]
    public string? Digest { get; private init; }

    /// <summary>The path of plan.json in <paramref name="directory"/>.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>The folder of <paramref name="cell"/> in the run folder <paramref name="directory"/>.</summary>
    public static string CellFolder(string directory, PlannedCell cell) => Path.Combine(directory, CellsFolder, cell.Label);

    /// <summary>
    /// A plan of <paramref name="experiment"/> with cells numbered in the order given; each configuration is stored as
    /// its compact JSON.
    /// </summary>
    /// <exception cref="ArgumentException">A label is not file-name safe or repeats (an experiment's bug, not the user's).</exception>
    public static CellPlan Create<TSettings, TConfiguration>(string experiment, int? threads, TSettings settings,
        IEnumerable<(string Label, TConfiguration Configuration)> cells)
    {
        var planned = cells.Select((c, i) => new PlannedCell(i, c.Label, CellJson.ToElement(c.Configuration))).ToList();
        var plan = new CellPlan { Experiment = experiment, Threads = threads, Settings = CellJson.ToElement(settings), Cells = planned };
        if (plan.Problem() is string problem) throw new ArgumentException(problem, nameof(cells));
        return plan;
    }

    /// <summary>
    /// One job per core of this machine, up to the cells, at least one: the plain command's number of cell processes for
    /// an experiment whose cells repay starting a process each (<see cref="ICellExperiment.DefaultJobs"/>).
    /// </summary>
    public int JobsOnEveryCore() => Math.Max(1, Math.Min(Environment.ProcessorCount, Cells.Count));

    /// <summary>The settings as <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidDataException">They do not hold a <typeparamref name="T"/>.</exception>
    public T SettingsAs<T>() => Deserialize<T>(Settings, "the plan's settings");

    /// <summary>The configuration of <paramref name="cell"/> as <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidDataException">It does not hold a <typeparamref name="T"/>.</exception>
    public static T ConfigurationOf<T>(PlannedCell cell) => Deserialize<T>(cell.Configuration, $"the configuration of cell {cell.Index} ({cell.Label})");

    /// <summary>
    /// Why the configuration of <paramref name="cell"/> is not a <paramref name="type"/>, or null. Every field must be
    /// one of the type's: another experiment's configuration often reads as this one's with defaults where it differs.
    /// </summary>
    public static string? ConfigurationProblem(PlannedCell cell, Type type)
    {
        try
        {
            return cell.Configuration.Deserialize(type, CellJson.Exact) is null ? "it is empty" : null;
        }
        catch (Exception ex) when (StudyJson.IsMalformed(ex))
        {
            return ErrorText.FirstLine(ex).TrimEnd('.');
        }
    }

    private static T Deserialize<T>(JsonElement element, string what)
    {
        try
        {
            return element.Deserialize<T>(CellJson.Compact) ?? throw new InvalidDataException($"{what} is empty.");
        }
        catch (Exception ex) when (StudyJson.IsMalformed(ex))
        {
            throw new InvalidDataException($"{what} is not a {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    /// <summary>The cell at <paramref name="index"/>.</summary>
    /// <exception cref="ConfigurationException">No cell has that index.</exception>
    public PlannedCell CellAt(int index) => index >= 0 && index < Cells.Count
        ? Cells[index]
        : throw new ConfigurationException($"--index {index} is not a cell of this plan: its {Cells.Count} cells are 0..{Cells.Count - 1}.");

    /// <summary>The plan as plan.json holds it: the header indented (with the digest of the rest), then one compact line per cell.</summary>
    public string ToJson()
    {
        string body = Body();
        if (Format < FirstFormatWithDigest) return body;
        int afterFormat = body.IndexOf(",\n  \"experiment\"", StringComparison.Ordinal);
        return body[..afterFormat] + $",\n  \"digest\": \"{DigestOf(body)}\"" + body[afterFormat..];
    }

    private static string DigestOf(string body) => FileDigest.Of(Encoding.UTF8.GetBytes(body)).Sha256;

    // plan.json without its digest: what the digest is taken of.
    private string Body()
    {
        var text = new StringBuilder(256 + Cells.Count * 256);
        text.Append("{\n  \"format\": ").Append(Format)
            .Append(",\n  \"experiment\": ").Append(JsonSerializer.Serialize(Experiment, CellJson.Compact))
            .Append(",\n  \"threads\": ").Append(Threads is int t ? t.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null")
            .Append(",\n  \"settings\": ").Append(JsonSerializer.Serialize(Settings, CellJson.Indented).Replace("\n", "\n  "))
            .Append(",\n  \"cells\": [");
        for (int i = 0; i < Cells.Count; i++)
        {
            text.Append(i == 0 ? "\n    " : ",\n    ").Append(JsonSerializer.Serialize(Cells[i], CellJson.Compact));
        }
        text.Append("\n  ]\n}\n");
        return text.ToString();
    }

    /// <summary>Whether <paramref name="directory"/> holds a plan.json other than this plan's.</summary>
    public bool DiffersFromPlanIn(string directory)
    {
        string path = PathIn(directory);
        return File.Exists(path) && File.ReadAllText(path) != ToJson();
    }

    /// <summary>
    /// Refuses to continue in <paramref name="directory"/> when its plan.json is another experiment's: its finished
    /// cells, plan and report would be replaced by this one's. An unreadable plan is left to the caller's own checks.
    /// </summary>
    /// <exception cref="ConfigurationException">The folder holds a plan of another experiment.</exception>
    public void RequireSameExperimentIn(string directory)
    {
        string path = PathIn(directory);
        if (!File.Exists(path)) return;
        CellPlan other;
        try
        {
            other = Parse(File.ReadAllText(path), path);
        }
        catch (ConfigurationException)
        {
            return;
        }
        if (other.Experiment != Experiment)
            throw new ConfigurationException($"{path} holds a plan of {other.Experiment}, not of {Experiment}; use another --out for {Experiment}.");
    }

    /// <summary>
    /// Writes plan.json into <paramref name="directory"/> atomically. Writing the same plan again is a no-op (planning
    /// is idempotent). A different plan is refused, because the folder's finished cells belong to the one there, unless
    /// <paramref name="replace"/>: then each cell's record, which holds its configuration's digest, decides whether
    /// the cell is still finished.
    /// </summary>
    /// <exception cref="ConfigurationException">The folder holds another plan and <paramref name="replace"/> is false.</exception>
    public void Write(string directory, bool replace = false)
    {
        string path = PathIn(directory);
        string json = ToJson();
        if (File.Exists(path))
        {
            string existing = File.ReadAllText(path);
            if (existing == json) return;
            if (replace)
            {
                AtomicFile.WriteText(path, json);
                return;
            }
            string what;
            try
            {
                var other = Parse(existing, path);
                what = $"a plan of {other.Experiment} with {other.Cells.Count} cells" +
                       (other.Experiment == Experiment && other.Cells.Count == Cells.Count ? " and other options" : "");
            }
            catch (ConfigurationException)
            {
                what = "an unreadable plan";
            }
            throw new ConfigurationException(
                $"{path} holds {what}, whose cells this folder keeps; use another --out, or delete the folder to start over.");
        }
        Directory.CreateDirectory(directory);
        // Created, never replaced: a plan another process wrote meanwhile (two plan commands on one new folder) is
        // compared as above instead of overwritten, so the folder never holds one plan beside another's scripts.
        if (!AtomicFile.TryCreateText(path, json)) Write(directory, replace);
    }

    /// <summary>Reads and checks plan.json in <paramref name="directory"/>.</summary>
    /// <exception cref="ConfigurationException">It is missing, torn or inconsistent; the message names it.</exception>
    public static CellPlan Read(string directory)
    {
        if (File.Exists(directory))
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(directory))!;
            throw new ConfigurationException($"--plan {directory} is a file; --plan takes the run folder that holds {FileName} (here {folder}).");
        }
        string path = PathIn(directory);
        if (!File.Exists(path))
            throw new ConfigurationException($"--plan {directory}: {path} is missing; write it with 'catapults-study plan <experiment> --out {directory}'.");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ConfigurationException.From(ex, $"{path} cannot be read");
        }
        return Parse(text, path);
    }

    private static CellPlan Parse(string text, string path)
    {
        CellPlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<CellPlan>(text, CellJson.Compact);
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException($"{path} is not a readable plan ({ErrorText.FirstLine(ex)}); plan again into a new folder.");
        }
        if (plan is null) throw new ConfigurationException($"{path} is empty; plan again into a new folder.");
        if (plan.Format is < 1 or > CurrentFormat)
            throw new ConfigurationException($"{path} has format {plan.Format}; this version reads formats 1 to {CurrentFormat}. Plan again with this version.");
        if (plan.Problem() is string problem) throw new ConfigurationException($"{path}: {problem}");
        // A value changed inside the file (a digit, a cut line that still parses) reads as a plan; only the digest tells.
        // Read back, a sound plan writes the same text, so its digest is that of the text it was read from.
        if (plan.Format >= FirstFormatWithDigest && plan.Digest != DigestOf(plan.Body()))
            throw new ConfigurationException(
                plan.Digest is null
                    ? $"{path} has no digest, which format {plan.Format} writes (damaged); plan again into a new folder."
                    : $"{path} does not match the digest written with it (damaged or edited); plan again into a new folder.");
        return plan;
    }

    /// <summary>What makes the plan unusable, or null.</summary>
    private string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Experiment)) return "the experiment is not named.";
        if (Cells is null || Cells.Count == 0) return "the plan has no cells.";
        if (Threads is < 1) return $"threads must be at least 1, got {Threads}.";
        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Cells.Count; i++)
        {
            var cell = Cells[i];
            if (cell is null) return $"cell {i} is null.";
            if (cell.Index != i) return $"the cell at position {i} has index {cell.Index}; cells must be numbered 0, 1, … in order.";
            if (cell.Label is null || !SafeLabel().IsMatch(cell.Label))
                return $"cell {i}'s label '{ErrorText.Visible(cell.Label ?? "")}' is not a file name (letters, digits, '.', '_', '+', '-'; 1 to 100 characters).";
            if (!labels.Add(cell.Label)) return $"cells {Cells.First(c => c.Label == cell.Label).Index} and {i} share the label '{cell.Label}'.";
            if (cell.Configuration.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return $"cell {i} ({cell.Label}) has no configuration.";
        }
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+\-]{0,99}\z")]
    private static partial Regex SafeLabel();
}
