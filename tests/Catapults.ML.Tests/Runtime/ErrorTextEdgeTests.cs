using Catapults.ML.Runtime;

namespace Catapults.ML.Tests.Runtime;

/// <summary>
/// ErrorText at its boundaries: a line of exactly the maximum length, and the Unicode separators.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class ErrorTextEdgeTests
{
    [Test]
    public void ALineOfExactlyTheMaximumLengthIsKeptWhole()
    {
        string line = new('x', ErrorText.MaximumLineLength);
        Assert.That(ErrorText.FirstLine(line), Is.EqualTo(line));
    }

    [Test]
    public void AParagraphSeparatorIsMadeVisible()
    {
        Assert.That(ErrorText.Visible("a\u2029b"), Is.EqualTo("a\\u2029b"));
        Assert.That(ErrorText.Visible("a\u2028b"), Is.EqualTo("a\\u2028b"));
    }

    // A console message has room for a thousand characters; the thousand-and-first is where the cut falls.
    [Test]
    public void AConsoleMessageKeepsAThousandCharactersAndCutsTheRest()
    {
        Assert.That(ErrorText.OneLine(new string('m', 1000)), Is.EqualTo(new string('m', 1000)));
        Assert.That(ErrorText.OneLine(new string('m', 1001)), Is.EqualTo(new string('m', 1000) + "…"));
    }

    // A name quoted without a length of its own keeps sixty characters.
    [Test]
    public void AnExcerptKeepsSixtyCharactersUnlessToldOtherwise()
    {
        Assert.That(ErrorText.Excerpt(new string('n', 60)), Is.EqualTo(new string('n', 60)));
        Assert.That(ErrorText.Excerpt(new string('n', 61)), Is.EqualTo(new string('n', 60) + "…"));
    }
}
