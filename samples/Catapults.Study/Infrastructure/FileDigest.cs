using System.Security.Cryptography;

namespace Catapults.Study.Infrastructure;

/// <summary>The size and SHA-256 of a file, kept with a run so that reading it back can tell a damaged file from a good one.</summary>
/// <param name="Bytes">The length in bytes.</param>
/// <param name="Sha256">The SHA-256 of the content, lower-case hex.</param>
public sealed record FileDigest(long Bytes, string Sha256)
{
    /// <summary>The digest of <paramref name="content"/>.</summary>
    public static FileDigest Of(byte[] content) => new(content.LongLength, Convert.ToHexStringLower(SHA256.HashData(content)));

    /// <summary>The digest of the file at <paramref name="path"/>.</summary>
    public static FileDigest OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return new FileDigest(stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    /// <summary>
    /// Checks the files of <paramref name="folder"/> against <paramref name="expected"/> (names relative to the
    /// folder); returns what is wrong with the first file that does not match, or null when all match.
    /// </summary>
    public static string? Verify(string folder, IReadOnlyDictionary<string, FileDigest> expected)
    {
        foreach (var (name, digest) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            string path = Path.Combine(folder, name);
            // The list is read from a file, so an entry may be null there.
            if (digest?.Sha256 is null) return $"{path} has no checksum listed (the list is damaged)";
            if (Directory.Exists(path)) return $"{path} is a folder, not a file";
            if (!File.Exists(path)) return $"{path} is missing";
            FileDigest actual;
            try
            {
                actual = OfFile(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"{path} cannot be read ({ex.Message.ReplaceLineEndings(" ")})";
            }
            if (actual.Bytes != digest.Bytes) return FormattableString.Invariant($"{path} has {actual.Bytes:N0} bytes, {digest.Bytes:N0} were written");
            if (actual.Sha256 != digest.Sha256) return $"{path} does not match the checksum written with it (damaged)";
        }
        return null;
    }

    /// <summary>The digests of every file under <paramref name="folder"/> (names relative to it, '/'-separated), except <paramref name="excluded"/>.</summary>
    public static Dictionary<string, FileDigest> OfFolder(string folder, params string[] excluded)
    {
        var digests = new Dictionary<string, FileDigest>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');
            if (excluded.Contains(name) || Path.GetFileName(name).StartsWith('.')) continue;
            digests[name] = OfFile(path);
        }
        return digests;
    }
}
