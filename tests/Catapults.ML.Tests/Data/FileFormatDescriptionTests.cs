using System.Text;
using Catapults.ML.Data;

namespace Catapults.ML.Tests.Data;

// What the sniffer says is what a user reads when a reader is handed the wrong file, so each boundary of a
// recognised format is pinned here against the format's own definition.
public class FileFormatDescriptionTests
{
    [Test]
    public void ATarHeaderIsRecognisedAsSoonAsTheMagicFitsInThePrefix()
    {
        // POSIX tar puts "ustar" at byte 257; 263 bytes hold it and one more byte.
        var prefix = new byte[263];
        "ustar"u8.CopyTo(prefix.AsSpan(257));
        Assert.That(FileFormatSniffer.Describe(prefix), Is.EqualTo("a tar archive: extract it first"));
    }

    [TestCase(2)]
    [TestCase(4)]
    [TestCase(5)]
    public void EveryPickleProtocolFromTwoToFiveIsNamed(int protocol)
    {
        byte[] prefix = [0x80, (byte)protocol, 0x95, 0x00];
        Assert.That(FileFormatSniffer.Describe(prefix), Does.StartWith("a Python pickle"));
    }

    [Test]
    public void MostlyUnprintableBytesAreNotCalledText()
    {
        // 60 % printable, no zero byte: well under the 95 % a text file needs.
        var prefix = new byte[100];
        for (int i = 0; i < prefix.Length; i++) prefix[i] = i < 60 ? (byte)'a' : (byte)0xC8;
        Assert.That(FileFormatSniffer.Describe(prefix), Is.EqualTo("binary data starting 61 61 61 61 61 61 61 61"));
    }

    [Test]
    public void ALongFirstLineIsClippedToFortyCharacters()
    {
        string line = new string('a', 40) + new string('b', 10);
        Assert.That(FileFormatSniffer.Describe(Encoding.ASCII.GetBytes(line + "\nrest")),
            Is.EqualTo($"text starting '{new string('a', 40)}…'"));
        Assert.That(FileFormatSniffer.Describe(Encoding.ASCII.GetBytes(new string('a', 40) + "\n")),
            Is.EqualTo($"text starting '{new string('a', 40)}'"));
    }

    // HDF5 allows a user block before its signature (MATLAB v7.3 puts its text header there); a signature at byte 512
    // behind any other block is still an HDF5 file, not the text of its block.
    [Test]
    public void AnHdf5SignatureAfterAUserBlockIsNamed()
    {
        var prefix = new byte[1024];
        prefix.AsSpan(0, 512).Fill((byte)'u');
        FileFormatSniffer.Hdf5Signature.CopyTo(prefix.AsSpan(512));
        Assert.That(FileFormatSniffer.Describe(prefix), Is.EqualTo("an HDF5 file"));
    }

    // Found by mutation testing (round 24A): "text" needs at least 95 % printable bytes, so exactly 95 % (19 of 20,
    // the other a control byte but no zero) is still text, and 18 of 20 is not.
    [Test]
    public void ExactlyNinetyFivePercentPrintableIsStillText()
    {
        var prefix = Encoding.ASCII.GetBytes("abcdefghijklmnopqrs\u0001");
        Assert.That(FileFormatSniffer.Describe(prefix), Does.StartWith("text starting 'abcdefghijklmnopqrs"));
        var fewer = Encoding.ASCII.GetBytes("abcdefghijklmnopqr\u0001\u0001");
        Assert.That(FileFormatSniffer.Describe(fewer), Is.EqualTo("binary data starting 61 62 63 64 65 66 67 68"));
    }
}
