namespace Catapults.Study.Infrastructure;

/// <summary>Checks an experiment's output folder (--out) before anything runs, so a bad one is one line, not a trace after the first run.</summary>
public static class OutputFolder
{
    /// <summary>
    /// The output folder of <paramref name="experiment"/>: <paramref name="given"/> (--out), or by default
    /// runs/EXPERIMENT (runs/EXPERIMENT-quick for the --quick preset); checked as <see cref="Check"/> does.
    /// </summary>
    /// <exception cref="ConfigurationException">The folder cannot be used; the message says why.</exception>
    public static string For(string? given, bool quick, string experiment) => given is null
        ? Check(Path.Combine("runs", quick ? experiment + "-quick" : experiment), "the default output folder")
        : Check(given);

    /// <summary>
    /// Checks that <paramref name="path"/> names a folder that exists or can be created, and that files can be written
    /// in it (it is created, and a probe file written and removed). Folders the check created are removed again, so a
    /// command that then stops on another bad option leaves nothing behind; the experiment creates them when it first
    /// writes. Returns the path.
    /// </summary>
    /// <param name="path">The folder.</param>
    /// <param name="name">What the messages call it (default: --out, the option that names it); the default folder is named as such, since no --out was given.</param>
    /// <exception cref="ConfigurationException">It cannot be used; the message names it and says why.</exception>
    public static string Check(string path, string name = "--out")
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ConfigurationException($"{name} is empty; give a folder.");
        if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0) throw new ConfigurationException($"{name} '{path}' holds characters no path may hold.");
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new ConfigurationException($"{name} '{path}' is a file; give a folder.");
        // The folders the check will create, innermost first. A path through a file (/etc/hostname/sub) fails to be
        // created with a message that does not say which part is a file, so the walk names it.
        var created = new List<string>();
        for (string? folder = full; folder is not null && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder)) throw new ConfigurationException($"{name} '{path}': '{folder}' is a file, not a folder.");
            created.Add(folder);
        }
        string probe = Path.Combine(full, $".write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        // The system's messages name the path they failed on, which for the probe is a file the user never asked
        // for ("Could not find file '/proc/.write-test-42'"), so the line says what that file is.
        string step = "cannot be created";
        try
        {
            // Another command checking the same new folder may remove it, empty, between our creating it and writing
            // the probe (its check removes what it created): the folder is then created again, a few times at most.
            for (int attempt = 1; ; attempt++)
            {
                step = "cannot be created";
                Directory.CreateDirectory(full);
                step = "cannot be written (a test file in it could not be created)";
                try
                {
                    // Created new, never opened through whatever stands at its name.
                    new FileStream(probe, FileMode.CreateNew, FileAccess.Write).Dispose();
                    break;
                }
                catch (DirectoryNotFoundException) when (attempt < 5 && !Directory.Exists(full))
                {
                }
            }
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw ConfigurationException.From(ex, $"{name} '{path}' {step}");
        }
        finally
        {
            RemoveEmpty(created);
        }
        return path;
    }

    // Innermost first, and only while empty: another process may have started writing into one of them meanwhile.
    private static void RemoveEmpty(List<string> created)
    {
        foreach (string folder in created)
        {
            try
            {
                if (!Directory.Exists(folder) || Directory.EnumerateFileSystemEntries(folder).Any()) return;
                Directory.Delete(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }
    }
}
