using Catapults.Study.Infrastructure;

namespace Catapults.Study.Cells;

/// <summary>
/// <c>smoke</c>: N tiny cells that step a number sequence, checkpoint after every step and merge into a table. It
/// trains nothing; it tries a cluster's plumbing (shared folder, array tasks, retries, the merge dependency) in
/// seconds before real cells spend GPU-hours, and gives the cell machinery a workload whose cost is only its own.
/// </summary>
public sealed class SmokeExperiment : ICellExperiment
{
    private readonly Option<int?> _cells = new("--cells") { Description = "Number of cells (default 4)." };
    private readonly Option<int?> _steps = new("--steps") { Description = "Steps per cell, each followed by a checkpoint (default 5)." };
    private readonly Option<int?> _stepMilliseconds = new("--step-ms") { Description = "Milliseconds per step (default 100)." };
    private readonly Option<string?> _fail = new("--fail-cells") { Description = "Comma-separated indices of cells that fail half-way, to try the retry path." };
    private readonly Option<string?> _output = new("--out") { Description = "Output folder (default runs/smoke)." };

    /// <inheritdoc />
    public string Name => "smoke";

    /// <inheritdoc />
    public Type ConfigurationType => typeof(SmokeCell);

    /// <inheritdoc />
    public string Description => "Tiny checkpointing cells that train nothing: try a cluster's plumbing (array tasks, retries, the merge) in seconds.";

    /// <inheritdoc />
    public void AddOptions(Command command)
    {
        foreach (Option o in new Option[] { _cells, _steps, _stepMilliseconds, _fail, _output }) command.Options.Add(o);
    }

    /// <inheritdoc />
    public string OutputFolder(ParseResult parse) => Infrastructure.OutputFolder.For(parse.GetValue(_output), quick: false, "smoke");

    /// <inheritdoc />
    public bool KeepsFinishedCells(ParseResult parse) => true;

    /// <inheritdoc />
    /// <remarks>
    /// The sequence is deterministic, so a result is checked against the value the cell's own seed and step count give:
    /// a torn file, another cell's copied in, or an edited one is not finished.
    /// </remarks>
    public string? VerifyFinished(CellContext context)
    {
        string path = Path.Combine(context.Folder, "result.json");
        var config = CellPlan.ConfigurationOf<SmokeCell>(context.Cell);
        SmokeCheckpoint result;
        try
        {
            result = StudyJson.Read<SmokeCheckpoint>(path);
        }
        catch (InvalidDataException ex)
        {
            return ex.Message.TrimEnd('.');
        }
        var expected = FinalState(config);
        return result == expected ? null
            : $"{path} holds step {result.Step}, value {result.Value:x16}, where this cell ends at step {expected.Step}, value {expected.Value:x16}";
    }

    /// <inheritdoc />
    public CellPlan Plan(ParseResult parse, CancellationToken cancellationToken)
    {
        int cells = parse.GetValue(_cells) ?? 4;
        int steps = parse.GetValue(_steps) ?? 5;
        int ms = parse.GetValue(_stepMilliseconds) ?? 100;
        if (cells is < 1 or > 1_000_000) throw new ConfigurationException($"--cells must be in 1..1000000, got {cells}.");
        if (steps is < 1 or > 1_000_000) throw new ConfigurationException($"--steps must be in 1..1000000, got {steps}.");
        if (ms is < 0 or > 3_600_000) throw new ConfigurationException($"--step-ms must be in 0..3600000, got {ms}.");
        var failing = new HashSet<int>();
        if (parse.GetValue(_fail) is string text)
            foreach (var part in Cli.ListEntries(text, "--fail-cells"))
                failing.Add(int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < cells
                    ? i : throw new ConfigurationException($"--fail-cells: '{part}' is not a cell index in 0..{cells - 1}."));
        return CellPlan.Create(Name, threads: null, new { cells, steps, stepMilliseconds = ms },
            Enumerable.Range(0, cells).Select(i => ($"cell{i:D6}", new SmokeCell(1000 + i, steps, ms, failing.Contains(i) ? Math.Min((steps + 1) / 2, steps - 1) : null))));
    }

    /// <inheritdoc />
    public void RunCell(CellContext context, CancellationToken cancellationToken)
    {
        var config = CellPlan.ConfigurationOf<SmokeCell>(context.Cell);
        // What Plan allows; an edited plan.json could hold anything (steps -3 "finished" at once, and merge refused it).
        if (config.Steps is < 1 or > 1_000_000) throw new ConfigurationException($"steps is {config.Steps}, expected 1..1000000.");
        if (config.StepMilliseconds is < 0 or > 3_600_000) throw new ConfigurationException($"stepMilliseconds is {config.StepMilliseconds}, expected 0..3600000.");
        if (config.FailAtStep is int fail && (fail < 0 || fail >= config.Steps))
            throw new ConfigurationException($"failAtStep is {fail}, expected a step in 0..{config.Steps - 1} or null.");
        string checkpoint = Path.Combine(context.Folder, "checkpoint.json");
        var state = new SmokeCheckpoint(0, (ulong)config.Seed);
        if (File.Exists(checkpoint))
        {
            // A damaged checkpoint is not trusted, and refusing it would fail every retry the same way: the cell starts over.
            try
            {
                state = StudyJson.Read<SmokeCheckpoint>(checkpoint);
                if (state.Step < 0 || state.Step > config.Steps) throw new InvalidDataException($"{checkpoint} holds step {state.Step}, outside 0..{config.Steps}.");
            }
            catch (InvalidDataException ex)
            {
                Cli.WriteNotice($"{context.Cell.Label}: {ex.Message.TrimEnd('.')}", "; the cell starts over.");
                state = new SmokeCheckpoint(0, (ulong)config.Seed);
            }
        }
        while (state.Step < config.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (state.Step == config.FailAtStep) throw new CellFailedException(context.Cell, $"it fails at step {state.Step} on purpose (--fail-cells)");
            if (config.StepMilliseconds > 0) Thread.Sleep(config.StepMilliseconds);
            state = Advance(state, 1);
            StudyJson.Write(checkpoint, state);
            context.Progress(state.Step);
        }
        StudyJson.Write(Path.Combine(context.Folder, "result.json"), state);
        File.Delete(checkpoint);
    }

    /// <summary>The state a finished run of <paramref name="cell"/> leaves in its result.json, resumed or not.</summary>
    public static SmokeCheckpoint FinalState(SmokeCell cell) => Advance(new SmokeCheckpoint(0, (ulong)cell.Seed), cell.Steps);

    // Knuth's MMIX step: any deterministic sequence does; what matters is that a resumed cell ends on the same value.
    private static SmokeCheckpoint Advance(SmokeCheckpoint state, int steps)
    {
        ulong value = state.Value;
        for (int i = 0; i < steps; i++) value = unchecked(value * 6364136223846793005UL + 1442695040888963407UL);
        return new SmokeCheckpoint(state.Step + steps, value);
    }

    /// <inheritdoc />
    public void Merge(CellPlan plan, string directory, CancellationToken cancellationToken)
    {
        // The merge has checked every cell's result (VerifyFinished) before this reads them.
        var results = plan.Cells.Select(cell =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return StudyJson.Read<SmokeCheckpoint>(Path.Combine(CellPlan.CellFolder(directory, cell), "result.json"));
        }).ToArray();
        ulong combined = results.Aggregate(0UL, (acc, r) => acc ^ r.Value);
        var report = new StringBuilder()
            .Append("# smoke\n\n")
            .Append(CultureInfo.InvariantCulture, $"{results.Length} cells; the values' XOR is {combined:x16}.\n\n")
            .Append("| index | label | steps | value |\n|---:|---|---:|---|\n");
        for (int i = 0; i < results.Length; i++)
            report.Append(CultureInfo.InvariantCulture, $"| {i} | {plan.Cells[i].Label} | {results[i].Step} | {results[i].Value:x16} |\n");
        AtomicFile.WriteText(Path.Combine(directory, "report.md"), report.ToString());
        Console.WriteLine($"smoke: {results.Length} cells merged; XOR {combined:x16}; {Path.Combine(directory, "report.md")}");
    }
}
