using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// CellCatalog: experiments are found by name, fresh each time, and a plan naming one this program lacks is refused
/// with the names it knows. Found by mutation testing (round 26C).
/// </summary>
public sealed class CellCatalogTests
{
    [Test]
    public void AnExperimentIsFoundByItsNameAndMadeAfresh()
    {
        var catalog = new CellCatalog(() => new SmokeExperiment());
        Assert.That(catalog.Names, Is.EqualTo(new[] { "smoke" }));
        var first = catalog.Find("smoke");
        Assert.That(first.Name, Is.EqualTo("smoke"));
        Assert.That(catalog.Find("smoke"), Is.Not.SameAs(first));
    }

    [Test]
    public void AnUnknownExperimentIsRefusedNamingTheKnownOnes()
    {
        var catalog = new CellCatalog(() => new SmokeExperiment());
        var ex = Assert.Throws<ConfigurationException>(() => catalog.Find("gd-catapult"));
        Assert.That(ex!.Message, Is.EqualTo("the plan names experiment 'gd-catapult', which this program does not know (it knows smoke)."));
    }

    // Two experiments of one name would leave one of them unreachable by its plans: the catalog refuses them
    // (found by mutation testing, round 33B).
    [Test]
    public void TwoExperimentsOfOneNameAreRefused() =>
        Assert.Throws<ArgumentException>(() => new CellCatalog(() => new SmokeExperiment(), () => new SmokeExperiment()));
}
