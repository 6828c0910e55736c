using System.Text;
using Catapults.ML.Data;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

public sealed class TextLineReaderTests : TemporaryFolderTests
{
    private string Write(string text)
    {
        string path = Temp.Combine("list.txt");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return path;
    }

    [Test]
    public void LinesKeepTheirNumberAndOffset()
    {
        var lines = TextLineReader.ReadLines(Write("ab\r\n\ncd")).ToList();
        Assert.That(lines, Is.EqualTo(new[] { new TextLine(1, 0, "ab"), new TextLine(2, 4, ""), new TextLine(3, 5, "cd") }));
    }

    // A sparse file of zeros, as a careless copy or a hostile hand leaves it: one "line" with no newline. Before the
    // limit, the buffer doubled with the line until 2 × 1 GiB wrapped and Array.Resize threw.
    [Test]
    public void AFileWithoutNewlinesIsRefusedAtTheLimitNotReadWhole()
    {
        string path = Temp.Combine("sparse.txt");
        using (var file = File.Create(path)) file.SetLength(1L << 30);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<DatasetFormatException>(() => TextLineReader.ReadLines(path, maxLineBytes: 100_000).ToList());
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(4L << 20));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: line 1 (byte 0) is longer than 100,000 bytes; this is not a text list ({FileFormatSniffer.DescribeFile(path)})."));
        Assert.That(ex.ByteOffset, Is.EqualTo(0));
    }

    [Test]
    public void ALongLineAmongShortOnesIsNamedByNumberAndOffset()
    {
        string path = Write("a\nbc\n" + new string('x', 1001) + "\nd\n");
        var ex = Assert.Throws<DatasetFormatException>(() => TextLineReader.ReadLines(path, maxLineBytes: 1000).ToList());
        Assert.That(ex!.Message, Does.StartWith($"{path}: line 3 (byte 5) is longer than 1,000 bytes"));

        path = Write("a\nbc\n" + new string('x', 1001));
        ex = Assert.Throws<DatasetFormatException>(() => TextLineReader.ReadLines(path, maxLineBytes: 1000).ToList());
        Assert.That(ex!.Message, Does.StartWith($"{path}: line 3 (byte 5) is longer than 1,000 bytes"));
    }

    [Test]
    public void LinesOfExactlyTheLimitAreRead()
    {
        string line = new('x', 1000);
        var lines = TextLineReader.ReadLines(Write($"{line}\n{line}\n{line}"), maxLineBytes: 1000).ToList();
        Assert.That(lines.Select(l => l.Text), Is.EqualTo(new[] { line, line, line }));
        Assert.That(lines.Select(l => l.ByteOffset), Is.EqualTo(new long[] { 0, 1001, 2002 }));
    }

    [Test]
    public void TheDefaultLimitIsStated() => Assert.That(TextLineReader.MaxLineBytes, Is.EqualTo(64 << 20));

    // Only the file's start may carry a byte-order mark; a U+FEFF opening a later line is that line's text.
    [Test]
    public void OnlyTheFirstLinesByteOrderMarkIsDropped()
    {
        string path = Temp.Combine("marks.txt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "a\n"u8, 0xEF, 0xBB, 0xBF, .. "b\n"u8]);
        var lines = TextLineReader.ReadLines(path).ToList();
        Assert.That(lines, Is.EqualTo(new[] { new TextLine(1, 0, "a"), new TextLine(2, 5, "\uFEFFb") }));
    }

    // A limit whose one-byte margin would not fit an array is refused when asked for, not when the lines are read.
    [TestCase(0)]
    [TestCase(int.MaxValue)]
    public void ALimitOutsideWhatABufferHoldsIsRefusedAtOnce(int maxLineBytes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TextLineReader.ReadLines(Write("a\n"), maxLineBytes));

    // Found by mutation testing (round 24A): a last line without a newline is a line however short; a final "c" of one
    // byte must not be dropped as if the file ended with its newline.
    [Test]
    public void AOneByteLastLineWithoutANewlineIsRead()
    {
        var lines = TextLineReader.ReadLines(Write("ab\nc")).ToList();
        Assert.That(lines, Is.EqualTo(new[] { new TextLine(1, 0, "ab"), new TextLine(2, 3, "c") }));
    }
}
