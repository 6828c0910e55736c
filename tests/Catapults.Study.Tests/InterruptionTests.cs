using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>The study's SIGINT/SIGTERM handlers last as long as the command, not as long as the process.</summary>
public sealed class InterruptionTests
{
    [Test]
    public void ACommandGivesTheSignalsBackWhenItReturns()
    {
        // The tests run commands in their own process: a handler left installed held the host's Ctrl-C back for 5 s.
        using var temp = new TempDirectory();
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "1", "--out", temp.Combine("p"));
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(Interruption.IsInstalled, Is.False);
    }

    [Test]
    public void OnlyTheFirstInstallationRemovesTheHandlers()
    {
        Assume.That(Interruption.IsInstalled, Is.False);
        using (var first = Interruption.Install(TimeSpan.FromSeconds(5)))
        {
            Assert.That(Interruption.IsInstalled, Is.True);
            Interruption.Install(TimeSpan.FromSeconds(5)).Dispose();
            Assert.That(Interruption.IsInstalled, Is.True, "a nested call's handle leaves the handlers to the first");
        }
        Assert.That(Interruption.IsInstalled, Is.False);
    }
}
