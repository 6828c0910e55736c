namespace Catapults.Study.Cells;

/// <summary>The schedulers <c>plan --emit</c> can write for.</summary>
public static class CellPlanEmitters
{
    /// <summary>Every emitter, in the order <c>--emit</c> lists them.</summary>
    public static IReadOnlyList<CellPlanEmitter> All { get; } = [new SlurmEmitter(), new KubernetesEmitter()];

    /// <summary>The targets' names joined for a message, e.g. "slurm, k8s".</summary>
    public static string Names => string.Join(", ", All.Select(e => e.Target));
}
