using System.CommandLine;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// The shared option checks against their documentation: the record interval's bound (records at 0, R and 2R), the
/// entry a list's empty entry is (counted from 1), rates outside float32, --data-root for the synthetic tasks, the
/// width of a non-fcn architecture and the default thread count.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class CliRangeTests
{
    [Test]
    public void ARecordIntervalOfHalfTheStepsIsTheLongestAccepted()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Cli.RecordEvery(5, 10, "the run's --steps"), Is.EqualTo(5), "records at 0, 5 and 10");
            var ex = Assert.Throws<ConfigurationException>(() => Cli.RecordEvery(6, 10, "the run's --steps"));
            Assert.That(ex!.Message, Does.Contain("give at most 5."));
            var odd = Assert.Throws<ConfigurationException>(() => Cli.RecordEvery(4, 7, "the run's --steps"));
            Assert.That(odd!.Message, Does.Contain("give at most 3."));
        });
    }

    [Test]
    public void AnEmptyEntryIsNamedByItsPositionFromOne()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Cli.ListEntries("50,,10", "--batch-sizes"));
        Assert.That(ex!.Message, Does.Contain("entry 2 of '50,,10' is empty"));
    }

    [Test]
    public void ABatchOfTheWholeTrainingSetIsTheLargestAccepted()
    {
        // b = n is full-batch GD, the sweep's own "gd" entry.
        Assert.That(Cli.BatchSize(100, 100), Is.EqualTo(100));
        var ex = Assert.Throws<ConfigurationException>(() => Cli.BatchSize(101, 100, "--batch-size"));
        Assert.That(ex!.Message, Is.EqualTo("--batch-size: batch size 101 must be in 1..100 (n, the training set size)."));
    }

    [Test]
    public void ARateThatIsZeroInFloat32IsRefused() =>
        Assert.Throws<ConfigurationException>(() => Cli.PositiveRate(1e-50, "--learning-rate"));

    private static (CommonOptions Common, ParseResult Parse) Parse(params string[] args)
    {
        var common = new CommonOptions();
        var command = new Command("test");
        common.AddTo(command);
        var parse = command.Parse(args);
        Assert.That(parse.Errors, Is.Empty);
        return (common, parse);
    }

    [Test]
    public void DataRootIsRefusedForBothSyntheticTasks()
    {
        foreach (var dataset in new[] { "rank2", "rank4" })
        {
            var (common, parse) = Parse("--dataset", dataset, "--data-root", Path.GetTempPath());
            Assert.Throws<ConfigurationException>(() => common.DataSettings(parse, 100, 50), dataset);
        }
    }

    [Test]
    public void TheFullyConnectedWidthIsNotGivenToOtherArchitectures()
    {
        var (common, parse) = Parse("--arch", "cnn-5");
        Assert.That(common.NetworkFor(parse, fullyConnectedWidth: CommonOptions.QuickWidth).Width, Is.Null, "the architecture's default width");
        var (fcCommon, fcParse) = Parse("--arch", "fcn-2");
        Assert.That(fcCommon.NetworkFor(fcParse, fullyConnectedWidth: CommonOptions.QuickWidth).Width, Is.EqualTo(CommonOptions.QuickWidth));
    }

    [Test]
    public void OneThreadIsTheDefault()
    {
        var (common, parse) = Parse();
        Assert.That(common.ConfigureThreads(parse), Is.EqualTo(1), "--threads: default 1");
    }
}
