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
    public void VisibleWritesInvisibleCharactersAsEscapes()
    {
        Assert.That(ErrorText.Visible("\uFEFFy"), Is.EqualTo("\\uFEFFy"));
        Assert.That(ErrorText.Visible("a\u200Bb\tc"), Is.EqualTo("a\\u200Bb\\u0009c"));
        Assert.That(ErrorText.Visible("Features"), Is.EqualTo("Features"));
        Assert.That(ErrorText.Visible("λ_max é"), Is.EqualTo("λ_max é"));
    }
}
