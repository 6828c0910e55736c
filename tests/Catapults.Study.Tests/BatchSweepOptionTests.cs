using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests;

/// <summary>
/// The batch sweep's own options refused at their first value out of range, in one line that names the option and the
/// value, before any data is loaded or run written. Found by mutation testing (6 Dec 2026, round 16B): only a batch size
/// above n and a zero rate fraction were tried.
/// </summary>
public sealed class BatchSweepOptionTests
{
    [TestCase(new[] { "--batch-sizes", "gd,0" }, "--batch-sizes: '0' is not a positive integer or 'gd'.", TestName = "A batch size of zero is not GD")]
    [TestCase(new[] { "--epochs", "0" }, "--epochs must be at least 1, got 0.", TestName = "Zero epochs")]
    [TestCase(new[] { "--gd-steps", "0" }, "--gd-steps must be at least 1, got 0.", TestName = "Zero GD steps")]
    [TestCase(new[] { "--max-steps", "0" }, "--max-steps must be at least 1, got 0.", TestName = "Zero max steps")]
    [TestCase(new[] { "--record-every", "0" }, "--record-every must be at least 1, got 0.", TestName = "Zero record interval")]
    [TestCase(new[] { "--probe-size", "0" }, "--probe-size must be at least 1, got 0.", TestName = "An empty probe set")]
    // Found by mutation testing (7 Dec 2026, round 31B): the record interval is checked against the shortest budget (one
    // epoch of b = 50 is 10 steps, against GD's 600), and GD alone has no batches for the critical-rate rule.
    [TestCase(new[] { "--epochs", "1" }, "--record-every 10 leaves fewer than three records in the shortest run's budget (b = 50), 10 steps; a spike needs records at 0, R and 2R, so give at most 5.", TestName = "A record interval longer than half the shortest budget")]
    [TestCase(new[] { "--batch-sizes", "gd" }, "--batch-sizes has no mini-batch size below n = 500, so the critical-rate rule has no batches to place η above; give --rate-fraction or --learning-rate.", TestName = "GD alone without a rate")]
    public void AnOptionOutOfRangeIsNamedWithItsValue(string[] args, string message)
    {
        using var temp = new TempDirectory();
        var (code, _, error) = StudyCli.Run(args.Concat(new[] { "--quick", "--out", temp.Combine("out") }).ToArray());
        Assert.That(code, Is.EqualTo(2), error);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Is.EqualTo("error: " + message));
    }
}
