using System.Buffers.Binary;
using System.Text;
using Catapults.ML.Runtime;

namespace Catapults.ML.Data.Matlab;

/// <summary>
/// A MATLAB v5/v7 MAT-file (little-endian), opened by scanning its element headers only: each top-level variable's
/// name, class, dimensions and data position, without reading or decompressing array data. Numeric arrays are then
/// read incrementally with <see cref="OpenReal"/>, from plain or zlib-compressed (miCOMPRESSED) elements alike.
/// A v7.3 file (HDF5-based) is refused with an error that says so.
/// </summary>
public sealed class MatFile
{
    // An array must declare fewer elements than this, 2⁶⁰, so that elements × the widest element (8 bytes) stays below
    // 2⁶³ and fits in a long.
    private const double ElementLimit = 1L << 60;

    /// <summary>Size of the file header: 116 bytes of text, 8 of subsystem offset, 2 of version, 2 of endian indicator.</summary>
    public const int HeaderSize = 128;

    private readonly Dictionary<string, MatVariable> _byName;

    private MatFile(string path, string headerText, List<MatVariable> variables)
    {
        Path = path;
        HeaderText = headerText;
        Variables = variables;
        _byName = new Dictionary<string, MatVariable>(StringComparer.Ordinal);
        foreach (var v in variables) _byName.TryAdd(v.Name, v);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The descriptive text of the header (e.g. "MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: …").</summary>
    public string HeaderText { get; }

    /// <summary>Top-level variables, in file order.</summary>
    public IReadOnlyList<MatVariable> Variables { get; }

    /// <summary>
    /// Opens and scans <paramref name="path"/>. Throws <see cref="FileNotFoundException"/> when it is missing and
    /// <see cref="DatasetFormatException"/> (with the byte offset) when it is truncated, corrupt, big-endian, a
    /// v7.3/HDF5 file or not a MAT-file at all.
    /// </summary>
    public static MatFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(path)) throw new DatasetFormatException(path, $"'{path}' is a folder; expected a MAT-file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"MAT-file '{path}' does not exist.", path);
        string headerText;
        var variables = new List<MatVariable>();
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096))
        {
            long length = stream.Length;
            headerText = ReadHeader(path, stream, length);
            long position = HeaderSize;
            Span<byte> tag = stackalloc byte[8];
            while (position < length)
            {
                if (length - position < 8)
                    throw new DatasetFormatException(path,
                        $"{path}: truncated: {length - position} stray bytes at byte {position:N0}, too few for an element tag.", position);
                stream.Seek(position, SeekOrigin.Begin);
                stream.ReadExactly(tag);
                uint first = BinaryPrimitives.ReadUInt32LittleEndian(tag);
                long next;
                if ((first >> 16) != 0)
                {
                    next = position + 8; // a small element at top level: no variable, nothing to read
                }
                else
                {
                    var type = (MatDataType)first;
                    long declared = BinaryPrimitives.ReadUInt32LittleEndian(tag[4..]);
                    long end = position + 8 + declared;
                    if (end > length)
                        throw new DatasetFormatException(path,
                            $"{path}: truncated: the element at byte {position:N0} declares {declared:N0} bytes of data, " +
                            $"but the file ends at byte {length:N0} ({end - length:N0} bytes short).", length);
                    // Compressed elements are not padded; the others are padded to 8 bytes (tolerated missing at the very end).
                    next = type == MatDataType.Compressed ? end : Math.Min(end + MatElementCursor.Padding(declared), length);
                    if (type is MatDataType.Matrix or MatDataType.Compressed)
                        variables.Add(ScanVariable(path, position, declared, type == MatDataType.Compressed));
                    else if (!Enum.IsDefined(type))
                        throw new DatasetFormatException(path,
                            $"{path}: corrupt: the element at byte {position:N0} has unknown data type {(uint)type}.", position);
                }
                position = next;
            }
        }
        return new MatFile(path, headerText, variables);
    }

    /// <summary>The variable called <paramref name="name"/>; the error lists the variables the file has.</summary>
    public MatVariable GetVariable(string name) =>
        _byName.TryGetValue(name, out var v)
            ? v
            : throw new DatasetFormatException(Path,
                $"{Path}: no variable '{ErrorText.Excerpt(name)}'; the file holds " +
                (Variables.Count == 0 ? "no variables." : ErrorText.Excerpt(string.Join(", ", Variables.Select(x => x.ToString())), 300) + "."));

    /// <summary>True when the file has a variable called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Opens a streaming reader over the real part of a numeric variable.</summary>
    public MatArrayReader OpenReal(MatVariable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (!MatTypes.IsNumeric(variable.Class) || variable.StoredType is null)
            throw new DatasetFormatException(Path,
                $"{Path}: variable '{ErrorText.Excerpt(variable.Name)}' is a {variable.Class.ToString().ToLowerInvariant()} array; only numeric arrays are read.",
                variable.ElementOffset);
        return new MatArrayReader(Path, variable);
    }

    /// <summary>Reads a whole numeric variable as doubles, in column-major order (for small arrays such as labels).</summary>
    public double[] ReadDoubles(string name)
    {
        var variable = GetVariable(name);
        if (variable.ElementCount > Array.MaxLength)
            throw new InvalidOperationException($"{Path}: '{ErrorText.Excerpt(name)}' has {variable.ElementCount:N0} elements, too many for one array.");
        using var reader = OpenReal(variable);
        return PiecewiseArray.Read<double>(variable.ElementCount, (piece, _) => reader.ReadDoubles(piece));
    }

    private static string ReadHeader(string path, FileStream stream, long length)
    {
        var header = new byte[(int)Math.Min(length, 1024)];
        stream.ReadExactly(header);
        string found = FileFormatSniffer.Describe(header);
        if (found.Contains("v7.3", StringComparison.Ordinal) || found.Contains("HDF5", StringComparison.Ordinal))
            throw new DatasetFormatException(path,
                $"{path}: this is {found}, which this reader does not read. It reads MATLAB v5/v7 MAT-files; " +
                "re-save the data with save(..., '-v7') (the official SVHN files are v5).", 0);
        if (!found.StartsWith("a MATLAB v5/v7", StringComparison.Ordinal))
            throw new DatasetFormatException(path, $"{path}: not a MATLAB v5 MAT-file: found {found}.", 0);
        if (length < HeaderSize)
            throw new DatasetFormatException(path,
                $"{path}: truncated: the file ends at byte {length} inside the {HeaderSize}-byte MAT-file header.", length);
        string text = Encoding.ASCII.GetString(header, 0, 116).TrimEnd('\0', ' ');
        if (header[126] == (byte)'M' && header[127] == (byte)'I')
            throw new DatasetFormatException(path,
                $"{path}: a big-endian MAT-file (endian indicator 'MI' at byte 126); this reader reads little-endian files only.", 126);
        if (header[126] != (byte)'I' || header[127] != (byte)'M')
            throw new DatasetFormatException(path,
                $"{path}: corrupt MAT-file header: endian indicator at byte 126 is 0x{header[126]:X2} 0x{header[127]:X2}, expected 'IM'.", 126);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(124));
        if (version != 0x0100)
            throw new DatasetFormatException(path, $"{path}: unsupported MAT-file version 0x{version:X4} at byte 124 (expected 0x0100).", 124);
        return text;
    }

    /// <summary>Reads an array's flags, dimensions, name and the tag of its real part.</summary>
    private static MatVariable ScanVariable(string path, long elementOffset, long declared, bool compressed)
    {
        using var cursor = new MatElementCursor(path, elementOffset, declared, compressed, bufferSize: 512);
        long innerLength = declared;
        if (compressed)
        {
            var inner = cursor.ReadTag("the compressed element's inner tag");
            if (inner.Type != MatDataType.Matrix)
                throw cursor.Error($"the compressed element holds data type {(int)inner.Type} ({inner.Type}), expected miMATRIX (14)");
            innerLength = inner.Length;
        }
        long matrixStart = cursor.Position;
        // A sub-element's declared length is checked against its element before anything is allocated for it: a
        // damaged length must not ask for gigabytes.
        void RequireInside(MatTag tag, string what)
        {
            long start = cursor.Position - (tag.IsSmall ? 4 : 0);
            if (start - matrixStart + tag.Length > innerLength)
                throw cursor.Error($"corrupt array: {what}: {tag.Length:N0} bytes declared, past the end of the element ({innerLength:N0} bytes)");
        }

        var flagsTag = cursor.ReadTag("the array flags");
        if (flagsTag.Type != MatDataType.UInt32 || flagsTag.Length != 8)
            throw cursor.Error($"corrupt array: flags have type {(int)flagsTag.Type} and {flagsTag.Length} bytes, expected miUINT32 (6) and 8 bytes");
        var flags = cursor.ReadData(flagsTag, "the array flags");
        uint flagWord = BinaryPrimitives.ReadUInt32LittleEndian(flags);
        var arrayClass = (MatArrayClass)(flagWord & 0xFF);
        bool isComplex = (flagWord & 0x0800) != 0;
        if (!Enum.IsDefined(arrayClass))
            throw cursor.Error($"corrupt array: unknown array class {(int)arrayClass}");

        var dimTag = cursor.ReadTag("the dimensions");
        if (dimTag.Type != MatDataType.Int32 || dimTag.Length % 4 != 0 || dimTag.Length < 8)
            throw cursor.Error($"corrupt array: dimensions have type {(int)dimTag.Type} and {dimTag.Length} bytes, expected miINT32 (5) and at least two dimensions");
        RequireInside(dimTag, "the dimensions");
        var dimBytes = cursor.ReadData(dimTag, "the dimensions");
        var dims = new int[dimTag.Length / 4];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32LittleEndian(dimBytes.AsSpan(4 * i));
            if (dims[i] < 0) throw cursor.Error($"corrupt array: dimension {i + 1} is {dims[i]}");
        }
        // Counted in double, which cannot wrap: in long, 65536⁴ wraps to 0, which an empty real part would then match.
        if (!dims.Contains(0) && dims.Aggregate(1.0, (a, d) => a * d) >= ElementLimit)
            throw cursor.Error($"corrupt array: dimensions {string.Join("×", dims)} describe 2⁶⁰ elements or more");

        var nameTag = cursor.ReadTag("the array name");
        if (nameTag.Type != MatDataType.Int8)
            throw cursor.Error($"corrupt array: the name has type {(int)nameTag.Type}, expected miINT8 (1)");
        RequireInside(nameTag, "the array name");
        string name = Encoding.ASCII.GetString(cursor.ReadData(nameTag, "the array name"));
        string shown = ErrorText.Excerpt(name);

        MatDataType? storedType = null;
        long dataOffset = 0, dataLength = 0;
        if (MatTypes.IsNumeric(arrayClass))
        {
            var realTag = cursor.ReadTag($"the real part of '{shown}'");
            int size = MatTypes.SizeOf(realTag.Type);
            if (size == 0)
                throw cursor.Error($"corrupt array '{shown}': real part has data type {(int)realTag.Type}, which is not numeric");
            long count = dims.Aggregate(1L, (a, d) => a * d);
            if (realTag.Length != count * size)
                throw cursor.Error(
                    $"corrupt array '{shown}': dimensions {string.Join("×", dims)} need {count:N0} values of {size} bytes " +
                    $"({count * size:N0} bytes) but the real part holds {realTag.Length:N0} bytes");
            RequireInside(realTag, $"the real part of '{shown}'");
            long relative = cursor.Position - (realTag.IsSmall ? 4 : 0);
            storedType = realTag.Type;
            dataLength = realTag.Length;
            // For a plain element the data position is a file offset; for a compressed one, an offset into the
            // decompressed stream (the inner tag included).
            dataOffset = compressed ? relative : elementOffset + 8 + relative;
        }
        return new MatVariable(name, arrayClass, dims, isComplex, compressed, elementOffset, declared, storedType, dataOffset, dataLength);
    }
}
