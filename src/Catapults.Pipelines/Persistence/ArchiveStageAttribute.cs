using System.Reflection;

namespace Catapults.Pipelines.Persistence;

/// <summary>
/// Registers a transformer type as the owner of one archive stage type (e.g. <c>"network"</c>). The type implements
/// <see cref="IArchivedTransformer"/> and declares <c>static ITransformer LoadStage(ArchiveStage stage)</c>, public or
/// not.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class ArchiveStageAttribute : Attribute
{
    private static readonly Lazy<IReadOnlyDictionary<string, Func<ArchiveStage, ITransformer>>> Registered = new(Discover);

    public ArchiveStageAttribute(string stageType) => StageType = stageType;

    /// <summary>The <c>type</c> written in the manifest for such a stage.</summary>
    public string StageType { get; }

    /// <summary>The stage type of <paramref name="transformer"/>'s type.</summary>
    public static string Of(IArchivedTransformer transformer)
    {
        for (var type = transformer.GetType(); type is not null; type = type.BaseType)
            if (type.GetCustomAttribute<ArchiveStageAttribute>() is { } attribute) return attribute.StageType;
        throw new InvalidOperationException($"{transformer.GetType().Name} saves an archive stage but names no stage type.");
    }

    /// <summary>The loader registered for <paramref name="stageType"/>, if any.</summary>
    public static Func<ArchiveStage, ITransformer>? LoaderFor(string stageType) => Registered.Value.GetValueOrDefault(stageType);

    /// <summary>The registered stage types, for error messages.</summary>
    public static IEnumerable<string> StageTypes => Registered.Value.Keys;

    private static IReadOnlyDictionary<string, Func<ArchiveStage, ITransformer>> Discover() =>
        typeof(ArchiveStageAttribute).Assembly.GetTypes()
            .Select(t => (Type: t, Attribute: t.GetCustomAttribute<ArchiveStageAttribute>()))
            .Where(x => x.Attribute is not null)
            .ToDictionary(x => x.Attribute!.StageType, x => x.Type.GetMethod("LoadStage",
                    BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, new[] { typeof(ArchiveStage) })?
                .CreateDelegate<Func<ArchiveStage, ITransformer>>()
                ?? throw new InvalidOperationException($"{x.Type.Name} names archive stage '{x.Attribute!.StageType}' but has no static LoadStage(ArchiveStage)."));
}
