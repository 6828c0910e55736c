#nullable enable
// Compiled by MSBuild's RoslynCodeTaskFactory (netstandard2.0) from build/TorchSharpNativeFix.targets; not part of any project.
// It marks one GLIBCXX version requirement of an ELF64 shared library as weak, when the system libstdc++ lacks it.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenElfVersionRequirement : Microsoft.Build.Utilities.Task
{
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public string[] Directories { get; set; } = Array.Empty<string>();
    [Required] public string LibraryFileName { get; set; } = "";
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        var targets = new List<string>();
        foreach (var dir in Directories)
        {
            if (string.IsNullOrWhiteSpace(dir)) continue;
            var path = Path.Combine(dir, LibraryFileName);
            if (File.Exists(path) && !targets.Contains(Path.GetFullPath(path))) targets.Add(Path.GetFullPath(path));
        }
        if (targets.Count == 0) return true;

        string? provider = FindSystemLibstdcxxProviding(VersionName);
        if (provider != null)
        {
            Log.LogMessage(MessageImportance.Low, $"{provider} provides {VersionName}; {LibraryFileName} left as shipped.");
            return true;
        }

        foreach (var path in targets)
        {
            try
            {
                byte[] image = File.ReadAllBytes(path);
                switch (WeakenRequirement(image, VersionName))
                {
                    case PatchResult.Patched:
                        // Write a fresh file rather than in place, so a hard link into the NuGet cache is never modified.
                        string temp = path + ".catapults-tmp";
                        File.WriteAllBytes(temp, image);
                        File.Delete(path);
                        File.Move(temp, path);
                        Log.LogMessage(MessageImportance.Normal, $"Marked {VersionName} weak in {path} (system libstdc++ lacks it).");
                        break;
                    case PatchResult.AlreadyWeak:
                        Log.LogMessage(MessageImportance.Low, $"{path}: {VersionName} already weak.");
                        break;
                    case PatchResult.NotRequired:
                        Log.LogMessage(MessageImportance.Low, $"{path} does not require {VersionName}.");
                        break;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
            {
                Log.LogWarning($"Could not patch {path} for {VersionName}: {ex.Message}. TorchSharp may fail to load on this system.");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private enum PatchResult { NotRequired, AlreadyWeak, Patched }

    private static IEnumerable<string> CandidateLibstdcxxPaths()
    {
        var dirs = new List<string>();
        string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        if (!string.IsNullOrEmpty(ldPath)) dirs.AddRange(ldPath.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
        dirs.AddRange(new[]
        {
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/local/lib64",
            "/usr/local/lib", "/usr/lib", "/lib",
        });
        foreach (var d in dirs)
        {
            var p = Path.Combine(d, "libstdc++.so.6");
            if (File.Exists(p)) yield return p;
        }
    }

    private static string? FindSystemLibstdcxxProviding(string version)
    {
        foreach (var path in CandidateLibstdcxxPaths())
        {
            try
            {
                if (DefinesVersion(File.ReadAllBytes(path), version)) return path;
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
            {
                // An unreadable candidate neither proves nor disproves support; keep looking.
            }
        }
        // None found, or none new enough: patch. A weak requirement is still checked where the version exists.
        return null;
    }

    private readonly struct Section
    {
        public readonly uint Type; public readonly long Offset; public readonly long Size; public readonly uint Link; public readonly uint Info;
        public Section(uint type, long offset, long size, uint link, uint info) { Type = type; Offset = offset; Size = size; Link = link; Info = info; }
    }

    private static Section[] ReadSections(byte[] b)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("not a little-endian ELF64 file");
        long shoff = (long)BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shnum * shentsize > b.Length)
            throw new InvalidDataException($"section header table out of range at byte {shoff}");
        var sections = new Section[shnum];
        for (int i = 0; i < shnum; i++)
        {
            long o = shoff + (long)i * shentsize;
            sections[i] = new Section(
                BitConverter.ToUInt32(b, (int)o + 4),
                (long)BitConverter.ToUInt64(b, (int)o + 0x18),
                (long)BitConverter.ToUInt64(b, (int)o + 0x20),
                BitConverter.ToUInt32(b, (int)o + 0x28),
                BitConverter.ToUInt32(b, (int)o + 0x2C));
        }
        return sections;
    }

    private static string ReadString(byte[] b, Section strtab, uint index)
    {
        long start = strtab.Offset + index;
        long end = start;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)start, (int)(end - start));
    }

    private static bool DefinesVersion(byte[] b, string version)
    {
        var sections = ReadSections(b);
        foreach (var s in sections)
        {
            if (s.Type != ShtGnuVerdef) continue;
            var strtab = sections[s.Link];
            long entry = s.Offset;
            for (uint i = 0; i < s.Info && entry + 20 <= b.Length; i++)
            {
                ushort cnt = BitConverter.ToUInt16(b, (int)entry + 6);
                uint aux = BitConverter.ToUInt32(b, (int)entry + 12);
                uint next = BitConverter.ToUInt32(b, (int)entry + 16);
                if (cnt > 0)
                {
                    uint name = BitConverter.ToUInt32(b, (int)(entry + aux));
                    if (ReadString(b, strtab, name) == version) return true;
                }
                if (next == 0) break;
                entry += next;
            }
        }
        return false;
    }

    private static PatchResult WeakenRequirement(byte[] b, string version)
    {
        var sections = ReadSections(b);
        var result = PatchResult.NotRequired;
        foreach (var s in sections)
        {
            if (s.Type != ShtGnuVerneed) continue;
            var strtab = sections[s.Link];
            long need = s.Offset;
            for (uint i = 0; i < s.Info && need + 16 <= b.Length; i++)
            {
                ushort cnt = BitConverter.ToUInt16(b, (int)need + 2);
                uint auxOffset = BitConverter.ToUInt32(b, (int)need + 8);
                uint next = BitConverter.ToUInt32(b, (int)need + 12);
                long aux = need + auxOffset;
                for (int j = 0; j < cnt && aux + 16 <= b.Length; j++)
                {
                    ushort flags = BitConverter.ToUInt16(b, (int)aux + 4);
                    uint name = BitConverter.ToUInt32(b, (int)aux + 8);
                    uint auxNext = BitConverter.ToUInt32(b, (int)aux + 12);
                    if (ReadString(b, strtab, name) == version)
                    {
                        if ((flags & VerFlgWeak) != 0)
                        {
                            if (result == PatchResult.NotRequired) result = PatchResult.AlreadyWeak;
                        }
                        else
                        {
                            ushort weak = (ushort)(flags | VerFlgWeak);
                            b[aux + 4] = (byte)(weak & 0xff);
                            b[aux + 5] = (byte)(weak >> 8);
                            result = PatchResult.Patched;
                        }
                    }
                    if (auxNext == 0) break;
                    aux += auxNext;
                }
                if (next == 0) break;
                need += next;
            }
        }
        return result;
    }
}
