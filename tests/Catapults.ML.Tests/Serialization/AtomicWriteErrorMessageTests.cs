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

    // The error is one line whatever the system's message spans.
    [Test]
    public void AnIoErrorOfSeveralLinesIsReportedOnOne()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("weights.safetensors");
        var ex = Assert.Throws<IOException>(() => AtomicFileWriter.Write(path, _ => throw new IOException("Input/output error\nwhile flushing")));
        Assert.That(ex!.Message, Is.EqualTo($"cannot write {path}: Input/output error while flushing"));
        Assert.That(ex.Message.Any(char.IsControl), Is.False);
    }

    // A folder the writer itself could not find (another file it reads) is not blamed on the target's folder, which exists.
    [Test]
    public void AMissingFolderElsewhereIsNotReportedAsTheTargetsFolder()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("weights.safetensors");
        var ex = Assert.Throws<IOException>(() => AtomicFileWriter.Write(path, _ =>
            throw new DirectoryNotFoundException("Could not find a part of the path '/no/such/source.bin'.")));
        Assert.That(ex!.Message, Is.EqualTo($"cannot write {path}: Could not find a part of the path '/no/such/source.bin'."));
        Assert.That(Directory.GetFiles(temp.Path), Is.Empty);
    }
}
