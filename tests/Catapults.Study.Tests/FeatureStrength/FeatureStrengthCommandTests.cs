using System.CommandLine;
using Catapults.Study.Cells;
using Catapults.Study.FeatureStrength;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// The command's plan without running it: the staircase follow-up runs at depth 2, so it is planned only when --depths
/// holds 2, dropped without a word when it was not asked for by name, and refused when it was. Found by mutation
/// testing (round 32B).
/// </summary>
public sealed class FeatureStrengthCommandTests
{
    private static CellPlan Plan(params string[] args)
    {
        var experiment = new FeatureStrengthCommand();
        var command = new Command(experiment.Name);
        experiment.AddOptions(command);
        var parse = command.Parse(args);
        Assert.That(parse.Errors, Is.Empty);
        return experiment.Plan(parse, CancellationToken.None);
    }

    [Test]
    public void WithoutDepthTwoNoStaircaseIsPlanned()
    {
        var plan = Plan("--quick", "--depths", "3,4");
        Assert.That(plan.Cells.Select(c => c.Label), Is.All.StartsWith("depth-"));
        Assert.That(plan.Cells, Has.Count.EqualTo(10), "five γ at each of two depths");
    }

    [Test]
    public void WithDepthTwoTheStaircaseRunsItsTwoGammas()
    {
        var plan = Plan("--quick", "--depths", "2");
        Assert.That(plan.Cells.Select(c => c.Label).Where(l => l.StartsWith(StaircaseFollowUp.DirectoryName, StringComparison.Ordinal)),
            Is.EqualTo(new[] { "staircase-rank4-g00", "staircase-rank4-g01" }));
    }

    [Test]
    public void AStaircaseAskedForWithoutDepthTwoIsRefused()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Plan("--quick", "--depths", "3,4", "--staircase", "true"));
        Assert.That(ex!.Message, Is.EqualTo("--staircase runs at depth 2, which --depths 3,4 leaves out; add 2 to --depths or leave --staircase out."));
    }
}
