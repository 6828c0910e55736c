using System.Security.Cryptography;
using System.Text;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// FileDigest: the size and SHA-256 a run keeps of its files, against an independent SHA-256 of the same bytes, and
/// Verify's account of a file that no longer matches. Found by mutation testing (6 Dec 2026, round 12B).
/// </summary>
public sealed class FileDigestVerifyTests
{
    private static FileDigest Expected(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return new FileDigest(bytes.Length, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant());
    }

    [Test]
    public void AFileThatGrewIsNamedByItsSize()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("steps.csv"), "step\n0\n10\n");
        var written = Expected("step\n0\n");
        string? problem = FileDigest.Verify(temp.Path, new Dictionary<string, FileDigest> { ["steps.csv"] = written });
        Assert.That(problem, Is.EqualTo($"{temp.Combine("steps.csv")} has 10 bytes, 7 were written"));
    }

    // A folder where a listed file was is named as a folder, not as a missing file (found by mutation testing, round 15B).
    [Test]
    public void AFolderInAListedFilesPlaceIsNamedAsAFolder()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("steps.csv"));
        string? problem = FileDigest.Verify(temp.Path, new Dictionary<string, FileDigest> { ["steps.csv"] = Expected("step\n0\n") });
        Assert.That(problem, Is.EqualTo($"{temp.Combine("steps.csv")} is a folder, not a file"));
    }

    [Test, SetCulture("de-DE")]
    public void SizesAreWrittenWithInvariantDigitGroupsInACommaCulture()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("steps.csv"), new string('x', 1234));
        string? problem = FileDigest.Verify(temp.Path, new Dictionary<string, FileDigest> { ["steps.csv"] = Expected("step\n0\n") });
        Assert.That(problem, Is.EqualTo($"{temp.Combine("steps.csv")} has 1,234 bytes, 7 were written"));
    }

    [Test]
    public void AFolderDigestListsEveryNestedFileButTheExcludedAndHiddenOnes()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("observers"));
        File.WriteAllText(temp.Combine("observers", "probe.json"), "{}");
        File.WriteAllText(temp.Combine("weights.safetensors"), "w");
        File.WriteAllText(temp.Combine("state.json"), "{}");
        // A hidden file (an editor's swap file, a write test) is not part of the run.
        File.WriteAllText(temp.Combine(".write-test-1"), "");
        var digests = FileDigest.OfFolder(temp.Path, "state.json");
        Assert.That(digests.Keys, Is.EquivalentTo(new[] { "observers/probe.json", "weights.safetensors" }));
        Assert.That(digests["observers/probe.json"], Is.EqualTo(Expected("{}")));
        Assert.That(FileDigest.Verify(temp.Path, digests), Is.Null);
    }

    // Found by mutation testing (7 Dec 2026, round 27B): the excluded name is a path from the folder, so an observer's
    // own state.json in a subfolder is still guarded.
    [Test]
    public void AnExcludedNameLeavesOutOnlyTheFileAtThatPath()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("observers"));
        File.WriteAllText(temp.Combine("observers", "state.json"), "{}");
        File.WriteAllText(temp.Combine("state.json"), "{}");
        Assert.That(FileDigest.OfFolder(temp.Path, "state.json").Keys, Is.EquivalentTo(new[] { "observers/state.json" }));
    }

    // Of two damaged files, the same one is named whatever order the list was read in: the first by ordinal name.
    [Test]
    public void OfTwoDamagedFilesTheFirstByNameIsNamed()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("events.json"), "[]x");
        File.WriteAllText(temp.Combine("steps.csv"), "step\n0\n10\n");
        var listed = new Dictionary<string, FileDigest> { ["steps.csv"] = Expected("step\n0\n"), ["events.json"] = Expected("[]") };
        Assert.That(FileDigest.Verify(temp.Path, listed), Is.EqualTo($"{temp.Combine("events.json")} has 3 bytes, 2 were written"));
    }

    // The list is read from a file: an entry whose checksum is null there is damage to the list, not to the file.
    [Test]
    public void AnEntryWithoutAChecksumIsNamedAsDamageToTheList()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("steps.csv"), "abc");
        var listed = new Dictionary<string, FileDigest> { ["steps.csv"] = new FileDigest(3, null!) };
        Assert.That(FileDigest.Verify(temp.Path, listed), Is.EqualTo($"{temp.Combine("steps.csv")} has no checksum listed (the list is damaged)"));
    }
}
