using System.IO.Compression;
using System.Text;
using Catapults.Pipelines.Persistence;

namespace Catapults.Pipelines.Tests.Persistence;

/// <summary>
/// How an archive's JSON entries are read: a UTF-8 byte-order mark (which editors add) is tolerated, and bytes that
/// are not UTF-8 are refused naming the archive and the entry. Found by mutation testing (6 Dec 2026). JSON that is not
/// an object (an array, a number) is refused as such rather than read as an empty object (round 14B).
/// </summary>
[TestFixture]
public sealed class ArchiveStageTests
{
    [Test]
    public void AByteOrderMarkBeforeTheJsonIsTolerated()
    {
        using var zip = Zip("stages/0/x.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{\"a\": 1}")]);
        var json = ArchiveStage.ReadJson(zip, "stages/0/x.json", "model.zip");
        Assert.That((int)json!["a"]!, Is.EqualTo(1));
    }

    [Test]
    public void BytesThatAreNotUtf8AreRefusedNamingTheEntry()
    {
        // "é" in Latin-1 inside a string: the JSON is well formed but the text is not UTF-8.
        using var zip = Zip("stages/0/x.json", [.. Encoding.UTF8.GetBytes("{\"a\": \""), 0xE9, .. Encoding.UTF8.GetBytes("\"}")]);
        var ex = Assert.Throws<InvalidDataException>(() => ArchiveStage.ReadJson(zip, "stages/0/x.json", "model.zip"));
        Assert.That(ex!.Message, Is.EqualTo("model.zip: 'stages/0/x.json' is not valid UTF-8 text; the file is damaged."));
    }

    [TestCase("[1, 2]")]
    [TestCase("7")]
    public void JsonThatIsNotAnObjectIsRefusedNamingTheEntry(string text)
    {
        using var zip = Zip("stages/0/x.json", Encoding.UTF8.GetBytes(text));
        var ex = Assert.Throws<InvalidDataException>(() => ArchiveStage.ReadJson(zip, "stages/0/x.json", "model.zip"));
        Assert.That(ex!.Message, Is.EqualTo(
            "model.zip: 'stages/0/x.json' is not a JSON object; the file is damaged or not a model written by SaveCatapultsModel."));
    }

    private static ZipArchive Zip(string entry, byte[] bytes)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            ArchiveStage.Write(zip, entry, bytes);
        buffer.Position = 0;
        return new ZipArchive(buffer, ZipArchiveMode.Read);
    }
}
