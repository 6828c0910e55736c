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
}
