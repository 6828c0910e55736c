using System.CommandLine;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// InvariantNumbers on a command of its own: a value quoted with spaces around it (a script's "--steps ' 100'") reads
/// as the number, for integers as for reals, and only a value with a comma is told about separators. Found by mutation
/// testing (6 Dec 2026, round 12B).
/// </summary>
public sealed class InvariantNumberParsingTests
{
    [Test]
    public void SpacesAroundANumberAreIgnored()
    {
        var steps = new Option<int?>("--steps");
        var seed = new Option<long?>("--seed");
        var rate = new Option<double?>("--learning-rate");
        var command = new RootCommand { steps, seed, rate };
        InvariantNumbers.Apply(command);
        var parse = command.Parse(new[] { "--steps", " 100 ", "--seed", " -3", "--learning-rate", "0.5 " });
        Assert.That(parse.Errors, Is.Empty, string.Join("; ", parse.Errors.Select(e => e.Message)));
        Assert.Multiple(() =>
        {
            Assert.That(parse.GetValue(steps), Is.EqualTo(100));
            Assert.That(parse.GetValue(seed), Is.EqualTo(-3));
            Assert.That(parse.GetValue(rate), Is.EqualTo(0.5));
        });
    }

    [TestCase("1,5", true)]
    [TestCase("1,000", true)]
    [TestCase("0.5x", false)]
    [TestCase("fast", false)]
    public void OnlyACommaGetsTheHintAboutSeparators(string value, bool hinted)
    {
        var rate = new Option<double?>("--learning-rate");
        var command = new RootCommand { rate };
        InvariantNumbers.Apply(command);
        var error = command.Parse(new[] { "--learning-rate", value }).Errors.Single().Message;
        Assert.That(error, Does.StartWith($"--learning-rate: '{value}' is not a finite number"));
        Assert.That(error.Contains("no thousands separators, and '.' marks decimals", StringComparison.Ordinal), Is.EqualTo(hinted), error);
    }

    // Found by mutation testing (7 Dec 2026, round 27B): an integer option, a long one included, reads no digit groups
    // either, and its error says an integer was wanted.
    [TestCase("--steps")]
    [TestCase("--seed")]
    public void AnIntegerWithAThousandsSeparatorIsRefusedAsNotAnInteger(string name)
    {
        var steps = new Option<int?>("--steps");
        var seed = new Option<long?>("--seed");
        var command = new RootCommand { steps, seed };
        InvariantNumbers.Apply(command);
        var error = command.Parse(new[] { name, "1,000" }).Errors.Single().Message;
        Assert.That(error, Is.EqualTo($"{name}: '1,000' is not an integer in range; no thousands separators, and '.' marks decimals."));
    }

    // No option takes an infinite or NaN value: refused where the number is read, for every real option at once,
    // including a finite-looking number beyond double's range (found by mutation testing, round 15B).
    [TestCase("Infinity")]
    [TestCase("-Infinity")]
    [TestCase("NaN")]
    [TestCase("1e400")]
    public void ANonFiniteRealIsRefusedAsNotAFiniteNumber(string value)
    {
        var rate = new Option<double?>("--learning-rate");
        var command = new RootCommand { rate };
        InvariantNumbers.Apply(command);
        var error = command.Parse(new[] { "--learning-rate", value }).Errors.Single().Message;
        Assert.That(error, Is.EqualTo($"--learning-rate: '{value}' is not a finite number (like 0.5 or 1e-3)."));
    }
}
