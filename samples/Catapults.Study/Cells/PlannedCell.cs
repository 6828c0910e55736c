using System.Text.Json.Serialization;

namespace Catapults.Study.Cells;

/// <summary>
/// One cell of a <see cref="CellPlan"/>: the unit of work that runs on its own (a process, a Slurm array task, a
/// Kubernetes pod). Its configuration is whatever its experiment needs to run it; the cell machinery never looks
/// inside, it only stores it and fingerprints it.
/// </summary>
/// <param name="Index">The cell's position in the plan, from 0; the index a scheduler passes to <c>run-cell</c>.</param>
/// <param name="Label">A file-name-safe name, unique in the plan; the cell's folder is <c>runs/&lt;label&gt;</c>.</param>
/// <param name="Configuration">The cell's full configuration as its experiment wrote it.</param>
public sealed record PlannedCell(int Index, string Label, JsonElement Configuration)
{
    /// <summary>
    /// The configuration as compact JSON text in the cell files' conventions (<see cref="CellJson.Compact"/>), what
    /// <see cref="Digest"/> covers: the text plan.json stores, whatever layout the file was given since. A plan
    /// re-indented by a tool means the same, and must not disown its finished cells.
    /// </summary>
    [JsonIgnore]
    public string ConfigurationText => JsonSerializer.Serialize(Configuration, CellJson.Compact);

    /// <summary>The SHA-256 of <see cref="ConfigurationText"/>: ties a cell's finished record to the configuration it ran.</summary>
    [JsonIgnore]
    public string Digest => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ConfigurationText)));
}
