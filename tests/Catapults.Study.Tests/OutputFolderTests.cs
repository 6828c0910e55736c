using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// OutputFolder.For: without --out, a --quick run writes to a folder of its own, so a quick check never mixes its runs
/// into (or resumes from) the full study's. Found by mutation testing (7 Dec 2026, round 27B).
/// </summary>
public sealed class OutputFolderTests
{
    [Test]
    public void TheDefaultFolderOfAQuickRunIsItsOwn()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OutputFolder.For(null, quick: true, "batch-sweep"), Is.EqualTo(Path.Combine("runs", "batch-sweep-quick")));
            Assert.That(OutputFolder.For(null, quick: false, "batch-sweep"), Is.EqualTo(Path.Combine("runs", "batch-sweep")));
        });
    }
}
