using Catapults.Study.Infrastructure;

namespace Catapults.Study.Cells;

/// <summary>The experiments that can be planned, run cell by cell and merged, by name.</summary>
public sealed class CellCatalog
{
    private readonly Dictionary<string, Func<ICellExperiment>> _factories = new(StringComparer.Ordinal);

    /// <summary>A catalog of the experiments <paramref name="factories"/> make; each call makes a fresh experiment (its own option objects).</summary>
    public CellCatalog(params Func<ICellExperiment>[] factories)
    {
        foreach (var factory in factories) _factories.Add(factory().Name, factory);
    }

    /// <summary>The experiments' names, in the order given.</summary>
    public IEnumerable<string> Names => _factories.Keys;

    /// <summary>A fresh instance of every experiment, in the order given.</summary>
    public IEnumerable<ICellExperiment> Create() => _factories.Values.Select(f => f());

    /// <summary>A fresh instance of the experiment named <paramref name="name"/>.</summary>
    /// <exception cref="ConfigurationException">No experiment has that name (a plan of another version).</exception>
    public ICellExperiment Find(string name) => _factories.TryGetValue(name, out var factory)
        ? factory()
        : throw new ConfigurationException($"the plan names experiment '{name}', which this program does not know (it knows {string.Join(", ", _factories.Keys)}).");
}
