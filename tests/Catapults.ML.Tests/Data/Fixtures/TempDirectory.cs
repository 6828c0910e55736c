namespace Catapults.ML.Tests.Data.Fixtures;

/// <summary>
/// A fresh directory under the system temp folder, deleted with everything below it on dispose. The one helper every
/// test project uses for temporary files (linked into the others), so no test leaves anything in the temp folder.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "catapults-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        // A child process just stopped (a killed CLI, a Slurm daemon) may still be closing files below the folder for a
        // moment, so a failed delete is tried again before it is reported; a folder already gone is no failure.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(Path, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException) when (!Directory.Exists(Path))
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (attempt < 5)
                {
                    Thread.Sleep(100 * attempt);
                    continue;
                }
                // Throwing from Dispose would replace the test's own result with this error; the line names what to remove by hand.
                TestContext.Progress.WriteLine($"Could not delete the temporary folder {Path}: {ex.Message}");
                return;
            }
        }
    }
}
