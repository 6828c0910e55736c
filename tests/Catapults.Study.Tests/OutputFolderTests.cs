using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// OutputFolder.For: without --out, a --quick run writes to a folder of its own, so a quick check never mixes its runs
/// into (or resumes from) the full study's; OutputFolder.Check refuses a blank folder at once. Found by mutation testing
/// (7 Dec 2026, round 27B).
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

    // A blank folder is refused before anything touches the disk; the whole-study hostile-input test caught this
    // only after minutes of training (round 27B).
    [TestCase("")]
    [TestCase("   ")]
    public void ABlankFolderIsRefusedNamingTheOption(string path)
    {
        var ex = Assert.Throws<ConfigurationException>(() => OutputFolder.Check(path));
        Assert.That(ex!.Message, Is.EqualTo("--out is empty; give a folder."));
    }
}
