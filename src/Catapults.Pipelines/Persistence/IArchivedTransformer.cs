namespace Catapults.Pipelines.Persistence;

/// <summary>
/// A transformer that saves itself as one stage of a model archive. Its type also carries
/// <see cref="ArchiveStageAttribute"/>, which names the stage type and the static method that loads such a stage, so
/// the archive finds loaders by name and never needs to know the concrete transformer types.
/// </summary>
internal interface IArchivedTransformer
{
    /// <summary>Writes the transformer's entries into <paramref name="stage"/>.</summary>
    void SaveStage(ArchiveStage stage);
}
