namespace Catapults.ML.Data;

/// <summary>
/// Where downloaded datasets live. A loader takes the root from its own option first and otherwise from the
/// <c>CATAPULTS_DATA</c> environment variable; each dataset sits in its own folder under the root
/// (<c>cifar-10-batches-bin/</c>, <c>svhn/</c>, <c>celeba/</c>). Nothing is ever downloaded at run time.
/// </summary>
public static class DataRoot
{
    /// <summary>The environment variable that names the data root when no option does: <c>CATAPULTS_DATA</c>.</summary>
    public const string EnvironmentVariable = "CATAPULTS_DATA";

    /// <summary>
    /// The data root: <paramref name="dataRoot"/> when given, otherwise the value of <see cref="EnvironmentVariable"/>.
    /// Throws <see cref="InvalidOperationException"/> naming both when neither is set, and
    /// <see cref="DirectoryNotFoundException"/> naming the directory and where it came from when it does not exist.
    /// </summary>
    /// <param name="dataRoot">The root the caller was given, or null.</param>
    /// <param name="optionName">
    /// How the caller's user passes <paramref name="dataRoot"/>, for the messages: a command line's <c>--data-root</c>;
    /// by default the library's own parameter, "the dataRoot argument" (the readers' <c>FromDataRoot</c> and the
    /// ML.NET loaders).
    /// </param>
    public static string Resolve(string? dataRoot, string optionName = "the dataRoot argument")
    {
        string source;
        if (!string.IsNullOrWhiteSpace(dataRoot))
        {
            source = optionName;
        }
        else
        {
            dataRoot = Environment.GetEnvironmentVariable(EnvironmentVariable);
            source = $"the {EnvironmentVariable} environment variable";
            if (string.IsNullOrWhiteSpace(dataRoot))
                throw new InvalidOperationException(
                    $"No data root: pass {optionName} or set the {EnvironmentVariable} environment variable to the " +
                    "folder that holds the downloaded datasets (README, 'Datasets').");
        }
        var full = Path.GetFullPath(dataRoot);
        if (File.Exists(full))
            throw new DirectoryNotFoundException($"The data root '{full}' (from {source}) is a file; expected the folder that holds the datasets.");
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"The data root '{full}' (from {source}) does not exist.");
        return full;
    }

    /// <summary>
    /// The folder of one dataset: <c>root/<paramref name="folderName"/></c>, or the root itself when it already
    /// holds <paramref name="markerFile"/> (so a root may point straight at the dataset's folder). Throws
    /// <see cref="DirectoryNotFoundException"/> naming the paths tried and listing <paramref name="expectedFiles"/>.
    /// </summary>
    public static string LocateDataset(string? dataRoot, string folderName, string markerFile, IReadOnlyList<string> expectedFiles)
    {
        var root = Resolve(dataRoot);
        var folder = Path.Combine(root, folderName);
        if (Directory.Exists(folder)) return folder;
        if (File.Exists(Path.Combine(root, markerFile)) || Directory.Exists(Path.Combine(root, markerFile))) return root;
        throw new DirectoryNotFoundException(
            $"Dataset folder '{folder}' does not exist (nor does '{root}' hold {markerFile} itself). " +
            $"Expected {folderName}/ to contain: {string.Join(", ", expectedFiles)}.");
    }

    /// <summary>
    /// Checks that <paramref name="directory"/> exists and holds every file in <paramref name="required"/>; the error
    /// names the directory, the missing files, and the whole expected list.
    /// </summary>
    /// <param name="dataset">The dataset's name for the message.</param>
    /// <param name="directory">The dataset's folder.</param>
    /// <param name="required">Names that must exist in it.</param>
    /// <param name="expectedFiles">The whole expected list, for the message.</param>
    /// <param name="folders">The names of <paramref name="required"/> that are folders; every other one must be a file.</param>
    /// <exception cref="DatasetFormatException">A file is a folder, or a folder a file.</exception>
    public static void RequireFiles(string dataset, string directory, IReadOnlyList<string> required, IReadOnlyList<string> expectedFiles,
        IReadOnlyCollection<string>? folders = null)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException(
                $"{dataset}: directory '{directory}' does not exist. Expected it to contain: {string.Join(", ", expectedFiles)}.");
        var missing = required.Where(f => !File.Exists(Path.Combine(directory, f)) && !Directory.Exists(Path.Combine(directory, f))).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException(
                $"{dataset}: missing {string.Join(", ", missing.Select(f => $"'{Path.Combine(directory, f)}'"))}. " +
                $"Expected '{directory}' to contain: {string.Join(", ", expectedFiles)}.",
                Path.Combine(directory, missing[0]));
        foreach (var name in required)
        {
            string path = Path.Combine(directory, name);
            bool folder = folders?.Contains(name) == true;
            if (folder && !Directory.Exists(path))
                throw new DatasetFormatException(path, $"{dataset}: '{path}' is a file; expected a folder.");
            if (!folder) RequireFile(dataset, path);
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/> is a file: a folder in its place gets its own message rather than a
    /// misleading "missing" or an access error from the first read.
    /// </summary>
    /// <exception cref="DatasetFormatException">It is a folder.</exception>
    /// <exception cref="FileNotFoundException">It does not exist.</exception>
    public static void RequireFile(string dataset, string path)
    {
        if (Directory.Exists(path)) throw new DatasetFormatException(path, $"{dataset}: '{path}' is a folder; expected a file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"{dataset}: '{path}' does not exist.", path);
    }
}
