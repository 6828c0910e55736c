using System.Buffers.Binary;
using System.Text;
using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Data.Matlab;
using Catapults.ML.Models;
using Catapults.ML.Serialization;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// Names and values that a message quotes from a file (a CSV header, a CelebA image name, a MAT-file variable, a
/// safetensors tensor) come from whoever wrote the file. A terminal escape sequence or a line break in them must not
/// reach the console as is, and a megabyte-long one must not become a megabyte-long message.
/// </summary>
public sealed class QuotedFileTextTests : TemporaryFolderTests
{
    // ESC [2J clears a terminal; OSC 0 retitles it.
    private const string Escape = "\u001b[2J";
    private const int MessageBound = 1000;

    private static void AssertQuotedSafely(Exception ex)
    {
        Assert.That(ex.Message.Any(char.IsControl), Is.False, "no control character reaches the message: " + ex.Message);
        Assert.That(ex.Message, Does.Contain("\\u001B"), "the escape is shown, not dropped");
        Assert.That(ex.Message, Has.Length.LessThan(MessageBound), "a long name is cut");
    }

    [Test]
    public void ACsvHeaderNamingAHostileColumnTwiceIsQuotedSafely()
    {
        string path = Temp.Combine("twice.csv");
        string name = Escape + new string('c', 50_000);
        File.WriteAllText(path, $"{name},{name},y\n1,2,3\n");
        AssertQuotedSafely(Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path))!);
    }

    [Test]
    public void ACsvValueThatIsNoNumberIsQuotedSafely()
    {
        string path = Temp.Combine("value.csv");
        File.WriteAllText(path, $"x,y\n\u001b]0;owned\u0007{Escape}{new string('9', 100_000)}z,1\n");
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path))!;
        AssertQuotedSafely(ex);
        Assert.That(ex.Message, Does.Contain("line 2").And.Contain("column 'x'").And.Contain("is not a number"));
    }

    [Test]
    public void ACsvRowOfTheWrongWidthListsAThousandColumnsOnlyInPart()
    {
        string path = Temp.Combine("wide.csv");
        var header = Enumerable.Range(0, 1000).Select(i => $"feature{i}").Append(Escape + "y");
        File.WriteAllText(path, string.Join(",", header) + "\n1,2\n");
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path))!;
        Assert.That(ex.Message, Does.Contain("has 2 fields; expected 1001 (feature0, feature1"));
        Assert.That(ex.Message, Has.Length.LessThan(MessageBound));
        Assert.That(ex.Message.Any(char.IsControl), Is.False);
    }

    [Test]
    public void ACelebAImageListedTwiceUnderAHostileNameIsQuotedSafely()
    {
        string dir = DatasetFixtures.WriteCelebA(Temp.Path);
        string attributes = Path.Combine(dir, "list_attr_celeba.txt");
        string hostile = Escape + new string('n', 5_000) + ".jpg";
        var lines = File.ReadAllLines(attributes);
        lines[2] = lines[2].Replace("000001.jpg", hostile);
        lines[3] = lines[3].Replace("000002.jpg", hostile);
        File.WriteAllLines(attributes, lines);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(dir))!;
        AssertQuotedSafely(ex);
        Assert.That(ex.Message, Does.Contain("is listed twice"));
    }

    [Test]
    public void AMatFileVariableWithAHostileNameIsListedSafely()
    {
        string path = Temp.Combine("hostile.mat");
        MatV5Writer.Write(path, compressed: false, MatV5Writer.Double(Escape + new string('v', 5_000), [1, 1], [1.0]));
        var file = MatFile.Open(path);
        var ex = Assert.Throws<DatasetFormatException>(() => file.GetVariable("X"))!;
        AssertQuotedSafely(ex);
        Assert.That(ex.Message, Does.Contain("no variable 'X'"));
    }

    [Test]
    public void ASafetensorsHeaderWithAHostileTensorNameAndTypeIsQuotedSafely()
    {
        // JSON escapes a line break and ESC, so the file holds them only once the header is parsed.
        string header = "{\"evil\\n\\u001b[2J" + new string('t', 5_000) + "\":{\"dtype\":\"Q8\\u001b[2J\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        using var stream = new MemoryStream(bytes);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(stream, "hostile.safetensors"))!;
        AssertQuotedSafely(ex);
        Assert.That(ex.Message, Does.Contain("evil\\u000A").And.Contain("'Q8\\u001B[2J'").And.Contain("is not supported"));
    }

    [Test]
    public void AWeightsFileWithAHostileForeignTensorIsQuotedSafely()
    {
        var description = new NetworkDescription { Architecture = "fcn-2", Width = 4 };
        using var model = description.Build(new long[] { 3 }, 1, seed: 1);
        using var stream = new MemoryStream();
        ModelWeights.Save(model, stream);
        stream.Position = 0;
        var saved = SafetensorsFile.Read(stream);
        var foreign = SafetensorsTensor.FromSingles(Escape + new string('w', 5_000), new long[] { 1 }, new float[] { 1 });
        var file = new SafetensorsFile(saved.Tensors.Append(foreign), saved.Metadata);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, file))!;
        AssertQuotedSafely(ex);
        Assert.That(ex.Message, Does.Contain("does not have"));
    }
}
