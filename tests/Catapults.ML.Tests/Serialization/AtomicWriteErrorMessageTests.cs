using Catapults.ML.Serialization;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Serialization;

public class AtomicWriteErrorMessageTests
{
    // The caller asked for one path; an I/O error that names the hidden temporary file, in whatever form the system
    // phrases it, must name that path instead.
    [Test]
    public void AnIoErrorNamingTheTemporaryFileNamesTheTargetInstead()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("weights.safetensors");
        var ex = Assert.Throws<IOException>(() => AtomicFileWriter.Write(path, stream =>
            throw new IOException($"Disk quota exceeded while writing {((FileStream)stream).Name}")));
        Assert.That(ex!.Message, Is.EqualTo($"cannot write {path}: Disk quota exceeded while writing {path}"));
        Assert.That(Directory.GetFiles(temp.Path), Is.Empty);
    }
}
