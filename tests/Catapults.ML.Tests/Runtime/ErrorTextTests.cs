using Catapults.ML.Runtime;

namespace Catapults.ML.Tests.Runtime;

public class ErrorTextTests
{
    [Test]
    public void FirstLineDropsTheNativeFramesAndCutsALongLine()
    {
        Assert.That(ErrorText.FirstLine("  shape '[2, 3]' is invalid \nException raised from reshape at aten/src/...\nframe #0"),
            Is.EqualTo("shape '[2, 3]' is invalid"));
        string longLine = new('x', ErrorText.MaximumLineLength + 50);
        Assert.That(ErrorText.FirstLine(longLine), Is.EqualTo(new string('x', ErrorText.MaximumLineLength) + "…"));
        Assert.That(ErrorText.FirstLine(""), Is.Empty);
    }

    [Test]
    public void AnExceptionsMessageLosesTheCSharpParameterName()
    {
        var argument = new ArgumentException("Unknown architecture 'zzz'.\nsecond line", "name");
        Assert.That(argument.Message, Does.EndWith(" (Parameter 'name')"), "what .NET appends");
        Assert.That(ErrorText.MessageOf(argument), Is.EqualTo("Unknown architecture 'zzz'.\nsecond line"));
        Assert.That(ErrorText.FirstLine(argument), Is.EqualTo("Unknown architecture 'zzz'."));
        var range = new ArgumentOutOfRangeException("count", 3, "Too many.");
        Assert.That(ErrorText.MessageOf(range), Is.EqualTo("Too many.\nActual value was 3."), "the suffix before the actual value's line");
        Assert.That(ErrorText.MessageOf(new InvalidOperationException("x (Parameter 'y')")), Is.EqualTo("x (Parameter 'y')"), "only an ArgumentException's own parameter");
        Assert.That(ErrorText.MessageOf(new ArgumentException("no parameter")), Is.EqualTo("no parameter"));
    }

    [Test]
    public void VisibleWritesInvisibleCharactersAsEscapes()
    {
        Assert.That(ErrorText.Visible("\uFEFFy"), Is.EqualTo("\\uFEFFy"));
        Assert.That(ErrorText.Visible("a\u200Bb\tc"), Is.EqualTo("a\\u200Bb\\u0009c"));
        Assert.That(ErrorText.Visible("Features"), Is.EqualTo("Features"));
        Assert.That(ErrorText.Visible("λ_max é"), Is.EqualTo("λ_max é"));
    }

    [Test]
    public void AnExcerptShowsInvisibleCharactersAndCutsALongText()
    {
        Assert.That(ErrorText.Excerpt("Bea\u001b[2Jrd"), Is.EqualTo("Bea\\u001B[2Jrd"));
        Assert.That(ErrorText.Excerpt("a\nb\u2028c"), Is.EqualTo("a\\u000Ab\\u2028c"), "line breaks are shown, never printed");
        Assert.That(ErrorText.Excerpt("Features"), Is.EqualTo("Features"));
        Assert.That(ErrorText.Excerpt(new string('x', 100_000)), Is.EqualTo(new string('x', ErrorText.DefaultExcerptLength) + "…"));
        Assert.That(ErrorText.Excerpt("abcdef", 6), Is.EqualTo("abcdef"), "a text of exactly the length is whole");
        Assert.That(ErrorText.Excerpt("abcdefg", 6), Is.EqualTo("abcdef…"));
        Assert.That(() => ErrorText.Excerpt("x", 0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void AnExcerptIsNeverCutInsideAnEscapeOrASurrogatePair()
    {
        // "ab" then an escape of six characters: at 5 the escape does not fit and is dropped whole.
        Assert.That(ErrorText.Excerpt("ab\u001bcd", 5), Is.EqualTo("ab…"));
        Assert.That(ErrorText.Excerpt("ab\u001bcd", 8), Is.EqualTo("ab\\u001B…"));
        // U+1D53C (a mathematical double-struck A) is two UTF-16 units; at 3 the pair does not fit after "ab".
        Assert.That(ErrorText.Excerpt("ab\U0001D53Ccd", 3), Is.EqualTo("ab…"));
        Assert.That(ErrorText.Excerpt("ab\U0001D53Ccd", 4), Is.EqualTo("ab\U0001D53C…"));
    }

    [Test]
    public void OneLineTurnsLineBreaksIntoSpacesAndShowsOtherInvisibleCharacters()
    {
        Assert.That(ErrorText.OneLine("first\r\nsecond\nthird\u2028fourth\tfifth"), Is.EqualTo("first second third fourth fifth"));
        Assert.That(ErrorText.OneLine("cell 3 (\u001b[2J): failed"), Is.EqualTo("cell 3 (\\u001B[2J): failed"));
    }

    [Test]
    public void OneLineCutsAMessageThatQuotesAHugeNameWhole()
    {
        // System.Text.Json's message for a property the type lacks quotes the name, however long, twice.
        string name = new('x', 50_000);
        string line = ErrorText.OneLine($"config.json is not valid: The JSON property '{name}' could not be mapped. Path: $.{name}");
        Assert.That(line, Has.Length.EqualTo(ErrorText.MaximumMessageLength + 1));
        Assert.That(line, Does.StartWith("config.json is not valid: The JSON property 'xxx").And.EndWith("x…"));
        Assert.That(ErrorText.OneLine(new string('y', ErrorText.MaximumMessageLength)), Is.EqualTo(new string('y', ErrorText.MaximumMessageLength)), "a message of the limit is whole");
    }
}
