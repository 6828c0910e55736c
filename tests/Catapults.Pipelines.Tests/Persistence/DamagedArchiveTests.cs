using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Tests.Support;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Tests.Trainers;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Persistence;

/// <summary>
/// A model archive that was torn or edited by hand is refused with one <see cref="InvalidDataException"/> line that
/// names the archive and the entry (and the field, where one is at fault), never a null reference, a JSON node's own
/// exception or ML.NET's unnamed "Failed to open a zip archive".
/// </summary>
public class DamagedArchiveTests
{
    private static readonly string[] DamagedContents = { "{\"junk\": 1}", "not JSON at all", "", "[]", "42", "null" };
    private readonly MLContext _ml = new(seed: 1);
    private byte[] _archive = Array.Empty<byte>();
    private byte[] _agopArchive = Array.Empty<byte>();
    private TempDirectory? _temp;
    private string _path = "";

    [OneTimeSetUp]
    public void SaveAMulticlassChain()
    {
        // An ML.NET stage, a network stage with key values, an ML.NET stage and the input schema: every kind of entry.
        var data = _ml.Data.LoadFromEnumerable(TestData.Classes(60, seed: 97));
        var pipeline = _ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(_ml.MulticlassClassification.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkMulticlassTrainer.Options())))
            .Append(_ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"));
        using var model = pipeline.Fit(data);
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        _archive = stream.ToArray();

        // An AGOP feature stage on its own.
        var rows = _ml.Data.LoadFromEnumerable(TestData.Rank2(64, seed: 98));
        var network = _ml.Regression.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkRegressionTrainer.Options()));
        using var agop = _ml.Transforms.AgopFeatures(network, rank: 2).Fit(rows);
        using var agopStream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(agop, rows.Schema, agopStream);
        _agopArchive = agopStream.ToArray();
        _temp = new TempDirectory();
        _path = _temp.Combine("damaged.zip");
    }

    [OneTimeTearDown]
    public void RemoveTheFolder() => _temp?.Dispose();

    [TestCase(false)]
    [TestCase(true)]
    public void EveryEntryReplacedByJunkIsRefusedNamingTheArchiveAndTheEntry(bool agopFeatures)
    {
        var archive = agopFeatures ? _agopArchive : _archive;
        using var zip = new ZipArchive(new MemoryStream(archive));
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries, Has.Count.GreaterThanOrEqualTo(agopFeatures ? 3 : 7));
        foreach (var entry in entries)
            foreach (var content in DamagedContents)
            {
                Rewrite(archive, entry, _ => Encoding.UTF8.GetBytes(content));
                var error = LoadError();
                Assert.That(error.Message, Does.StartWith(_path).And.Contain(entry.Split('/')[^1]), $"{entry} = '{content}'");
                Assert.That(error.Message, Does.Not.Contain("\n"), $"{entry} = '{content}'");
            }
    }

    // Damage inside an ML.NET stage's own zip reaches ML.NET's loader, which then fails through reflection around a
    // component's constructor (wrapped once more by ML.NET), an assembly it cannot find, or the end of a stream: the last
    // two escaped unnamed, and the first said only that a constructor failed, until random damage found them (6 Dec
    // 2026). Stage 0 is MapValueToKey: its chain's Model.key names the loader's assembly in UTF-16.
    [TestCase("stages/0.mlnet.zip", "TransformerChain/Transform_000/Model.key", "assembly", TestName = "An ML.NET stage naming a missing assembly is named")]
    [TestCase("stages/0.mlnet.zip", "TransformerChain/Model.key", "assembly", TestName = "An ML.NET chain naming a missing assembly is named")]
    [TestCase("stages/0.mlnet.zip", "TransformerChain/Transform_000/Model.key", "cut", TestName = "An ML.NET stage cut short is named with its cause")]
    [TestCase("input-schema.mlnet.zip", "Schema", "cut", TestName = "An ML.NET input schema cut short is named")]
    public void DamageInsideAnMlNetStageIsRefusedNamingTheEntry(string stage, string innerEntry, string damage)
    {
        Rewrite(_archive, stage, bytes => Rewritten(bytes, innerEntry, inner =>
        {
            if (damage == "cut") return inner[..(inner.Length * 9 / 10)];
            var from = Encoding.Unicode.GetBytes("Microsoft.ML.Data,");
            int at = inner.AsSpan().IndexOf(from);
            Assert.That(at, Is.GreaterThan(0), "the loader's assembly name");
            var damaged = (byte[])inner.Clone();
            Encoding.Unicode.GetBytes("Microsoft.ML.Dbta,").CopyTo(damaged, at);
            return damaged;
        }));
        var error = LoadError();
        Assert.That(error.Message, Does.StartWith($"{_path}: the entry '{stage}' is not a model ML.NET can load ("));
        Assert.That(error.Message, Does.Not.Contain("\n").And.Not.Contain("target of an invocation").And.Not.Contain("instantiation"));
        Assert.That(error.Message, damage == "assembly" ? Does.Contain("Microsoft.ML.Dbta") : Does.Match("(?i)end of|corrupt|format|expected|read"));
    }

    // A damaged field name used to be skipped: an optional field then read as absent (no key values, every scope
    // Everything, no divergence) and an option or a map setting took its default (another activation, p = 0), so the
    // model loaded and predicted otherwise (found by random damage to run files, 6 Dec 2026).
    [TestCase(false, "manifest.json", "inputSchema", "manifest.json: unknown field 'inputSchemb'")]
    [TestCase(false, "manifest.json", "scope", "root.elements[0]: unknown field 'scopf'")]
    [TestCase(false, "stages/1/network.json", "keyValues", "network.json: unknown field 'keyValuet'")]
    [TestCase(false, "stages/1/network.json", "Activation", "'Activatioo' could not be mapped")]
    [TestCase(false, "stages/1/report.json", "divergence", "report.json: result: unknown field 'divergencf'")]
    [TestCase(false, "stages/1/report.json", "featureCount", "report.json: model: unknown field 'featureCounu'")]
    [TestCase(true, "agop-features.json", "source", "unknown field 'sourcf'")]
    [TestCase(true, "agop-features.json", "Power", "'Powes' could not be mapped")]
    public void ARenamedFieldIsRefusedNamingIt(bool agopFeatures, string entry, string field, string expected)
    {
        var archive = agopFeatures ? _agopArchive : _archive;
        if (agopFeatures)
        {
            using var zip = new ZipArchive(new MemoryStream(archive));
            entry = zip.Entries.Single(e => e.FullName.EndsWith(entry, StringComparison.Ordinal)).FullName;
        }
        string renamed = field[..^1] + (char)(field[^1] + 1);
        Rewrite(archive, entry, bytes =>
        {
            string text = Encoding.UTF8.GetString(bytes);
            int at = text.IndexOf($"\"{field}\":", StringComparison.Ordinal);
            Assert.That(at, Is.GreaterThan(0), field);
            return Encoding.UTF8.GetBytes(text[..at] + $"\"{renamed}\":" + text[(at + field.Length + 3)..]);
        });
        var error = LoadError();
        Assert.That(error.Message, Does.StartWith(_path).And.Contain(expected));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    [TestCase("stages/1/network.json", "kind", "\"7\"", "'kind' is '7', expected one of")]
    [TestCase("stages/1/network.json", "kind", "3", "'kind' must be a String, got 3")]
    [TestCase("stages/1/network.json", "outputCount", "\"x\"", "'outputCount' must be a Int32")]
    [TestCase("stages/1/network.json", "outputCount", "1", "outputCount at least 2")]
    [TestCase("stages/1/network.json", "inputShape", "[-1]", "inputShape must be one or more sizes of at least 1")]
    [TestCase("stages/1/network.json", "inputShape", "[\"a\"]", "inputShape[0] must be a Int64")]
    [TestCase("stages/1/network.json", "options", "5", "'options' must be an object")]
    // The count is checked where the key values are read, so the message names the field (mutant 35A-M34 left it to the
    // head, whose message does not).
    [TestCase("stages/1/network.json", "keyValues", "{\"type\": \"Text\", \"values\": [\"a\"]}", "network.json: keyValues: 1 key values for 3 classes")]
    [TestCase("stages/1/network.json", "keyValues", "{\"type\": \"Int32\", \"values\": [\"a\", \"b\", \"c\"]}", "the key values cannot be read back (key value 0, 'a', is not a Int32.)")]
    [TestCase("stages/1/report.json", "result", "[]", "'result' must be an object")]
    [TestCase("stages/1/report.json", "model", "{\"description\": \"x\", \"parameterCount\": 1, \"trainingRowCount\": -5, \"featureCount\": 2, \"loss\": \"x\"}",
        "field 'trainingRowCount' is -5, expected a count (0 or more)")]
    [TestCase("manifest.json", "root", "1", "'root' must be an object")]
    [TestCase("manifest.json", "formatVersion", "\"one\"", "'formatVersion' must be a Int32")]
    public void AFieldOfTheWrongKindIsNamed(string entry, string field, string json, string expected)
    {
        EditJson(entry, o => o[field] = JsonNode.Parse(json));
        var error = LoadError();
        Assert.That(error.Message, Does.StartWith(_path).And.Contain(expected));
    }

    // Text the archive's writer chose (a format name, an element type, an entry path) is quoted in the message: a terminal
    // escape or a line break in it is shown, not printed, and a long one is cut.
    [TestCase("format", "the format is '\\u001B[2J")]
    [TestCase("root.type", "manifest.json: root has type '\\u001B[2J")]
    [TestCase("root.path", "the entry '\\u001B[2J")]
    // .NET's FormatException quotes the value whole.
    [TestCase("keyValues.type", "key value type '\\u001B[2J")]
    [TestCase("keyValues.value", "key value 1, '\\u001B[2J")]
    public void HostileTextInTheManifestIsQuotedSafely(string field, string expected)
    {
        string hostile = "\u001b[2J\n" + new string('x', 10_000);
        EditJson(field.StartsWith("keyValues", StringComparison.Ordinal) ? "stages/1/network.json" : "manifest.json", o =>
        {
            if (field == "format") o["format"] = hostile;
            else if (field == "root.type") o["root"]!["type"] = hostile;
            else if (field == "keyValues.type") o["keyValues"] = new JsonObject { ["type"] = hostile, ["values"] = new JsonArray("a", "b", "c") };
            else if (field == "keyValues.value") o["keyValues"] = new JsonObject { ["type"] = "Int32", ["values"] = new JsonArray("1", hostile, "3") };
            else o["root"]!["elements"]![1]!["path"] = hostile;
        });
        var error = LoadError();
        Assert.That(error.Message, Does.StartWith(_path).And.Contain(expected));
        Assert.That(error.Message.Any(char.IsControl), Is.False, error.Message);
        Assert.That(error.Message, Has.Length.LessThan(1000));
    }

    // A field given twice, or text that is not UTF-8, escaped as an exception of the JSON reader naming neither the
    // archive nor the entry (found by review).
    [TestCase("manifest.json", "format", TestName = "A manifest field given twice is named")]
    [TestCase("stages/1/network.json", "kind", TestName = "A network field given twice is named")]
    [TestCase("stages/1/report.json", "tables", TestName = "A report field given twice is named")]
    public void AFieldGivenTwiceIsRefusedNamingTheEntry(string entry, string field)
    {
        Rewrite(_archive, entry, bytes =>
        {
            var json = JsonNode.Parse(bytes)!.AsObject();
            Assert.That(json.ContainsKey(field), field);
            string text = Encoding.UTF8.GetString(bytes);
            int brace = text.IndexOf('{');
            return Encoding.UTF8.GetBytes(text[..(brace + 1)] + $"\"{field}\": {json[field]!.ToJsonString()}, " + text[(brace + 1)..]);
        });
        var error = LoadError();
        Assert.That(error.Message, Does.StartWith(_path).And.Contain(entry).And.Contain("not valid JSON"));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    [TestCase("manifest.json", "format", TestName = "A manifest string that is not UTF-8 is named")]
    [TestCase("stages/1/network.json", "kind", TestName = "A network string that is not UTF-8 is named")]
    public void TextThatIsNotUtf8IsRefusedNamingTheEntry(string entry, string field)
    {
        Rewrite(_archive, entry, bytes =>
        {
            var json = JsonNode.Parse(bytes)!.AsObject();
            string value = json[field]!.GetValue<string>();
            var text = Encoding.UTF8.GetBytes(json.ToJsonString());
            // The value's first byte becomes 0xFF, which no UTF-8 text holds.
            int at = Encoding.UTF8.GetString(text).IndexOf($"\"{value}\"", StringComparison.Ordinal) + 1;
            text[Encoding.UTF8.GetByteCount(Encoding.UTF8.GetString(text)[..at])] = 0xFF;
            return text;
        });
        Assert.That(LoadError().Message, Is.EqualTo($"{_path}: '{entry}' is not valid UTF-8 text; the file is damaged."));
    }

    // An empty or blank column name loaded, and the first Transform failed with ArgumentNullException naming nothing.
    [TestCase("outputColumnName", "")]
    [TestCase("inputColumnName", "  ")]
    public void AnAgopStageWithoutAColumnNameIsRefusedWhenLoaded(string field, string name)
    {
        string entry;
        using (var zip = new ZipArchive(new MemoryStream(_agopArchive)))
            entry = zip.Entries.Single(e => e.FullName.EndsWith("agop-features.json", StringComparison.Ordinal)).FullName;
        Rewrite(_agopArchive, entry, bytes =>
        {
            var json = JsonNode.Parse(bytes)!.AsObject();
            json[field] = name;
            return Encoding.UTF8.GetBytes(json.ToJsonString());
        });
        Assert.That(LoadError().Message, Does.StartWith(_path).And.Contain($"field '{field}' is '{name}', expected a column name"));
    }

    // A second entry of the same name (a zip tool appending instead of replacing) was silently ignored.
    [Test]
    public void AnEntryThatAppearsTwiceIsRefused()
    {
        using (var copy = new MemoryStream())
        {
            copy.Write(_archive);
            using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
            {
                var entry = zip.CreateEntry("stages/1/weights.safetensors");
                using var stream = entry.Open();
                stream.Write(new byte[] { 1, 2, 3 });
            }
            File.WriteAllBytes(_path, copy.ToArray());
        }
        Assert.That(LoadError().Message, Is.EqualTo($"{_path}: the entry 'stages/1/weights.safetensors' appears 2 times; a model file holds each entry once."));
    }

    [Test]
    public void NestedDamageIsNamedWhereItStands()
    {
        EditJson("stages/1/network.json", o => o["options"]!["Network"] = null);
        Assert.That(LoadError().Message, Does.Contain("network.json: the saved trainer options are invalid: Network must not be null"));

        // An enum is read by its name only: a number (an undefined one here) was loaded as it stood.
        EditJson("stages/1/network.json", o => o["options"]!["Device"] = 55);
        Assert.That(LoadError().Message, Does.Contain("network.json").And.Contain("Device"));

        EditJson("stages/1/network.json", o => o["options"]!["Training"]!["LearningRate"] = -1);
        Assert.That(LoadError().Message, Does.Contain("LearningRate must be finite and positive, got -1"));

        EditJson("stages/1/network.json", o => o["options"]!["Network"]!["Width"] = 9);
        Assert.That(LoadError().Message, Does.Contain("stages/1/network.json describes a network of ").And.Contain(" parameters, but its weights hold "));

        EditJson("stages/1/report.json", o => o["tables"]!["steps"]!["columns"]![0]!["values"]![0] = "zz");
        Assert.That(LoadError().Message, Does.Contain("report.json, table 'steps': column 'Step', row 0 must be a Int32, got \"zz\""));

        EditJson("stages/1/report.json", o => o["tables"]!["steps"]!["columns"]![0]!["name"] = "Renamed");
        Assert.That(LoadError().Message, Does.Contain("table 'steps': the column 'Step' is missing"));

        EditJson("stages/1/report.json", o => o["result"]!["outcome"] = "Exploded");
        Assert.That(LoadError().Message, Does.Contain("result: field 'outcome' is 'Exploded'"));

        // Counts and durations no run writes (they loaded and were reported as they stood).
        EditJson("stages/1/report.json", o => o["result"]!["steps"] = -5);
        Assert.That(LoadError().Message, Does.Contain("result: field 'steps' is -5, expected a count (0 or more)"));
        EditJson("stages/1/report.json", o => o["result"]!["wallTimeSeconds"] = -1.5);
        Assert.That(LoadError().Message, Does.Contain("result: field 'wallTimeSeconds' is -1.5, expected a duration in seconds"));

        EditJson("manifest.json", o => o["root"]!["elements"]![1]!["scope"] = "Nowhere");
        Assert.That(LoadError().Message, Does.Contain("manifest.json: root.elements[1]: field 'scope' is 'Nowhere'"));
    }

    [TestCase("Width", "2000000000")]
    [TestCase("Architecture", "\"fcn-1000\"")]
    public void ADescriptionFarLargerThanItsWeightsIsRefusedBeforeItIsBuilt(string field, string json)
    {
        // Building first, these asked libtorch for up to 160 GB and ended in its allocator's multi-line error naming no file.
        EditJson("stages/1/network.json", o => o["options"]!["Network"]![field] = JsonNode.Parse(json));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = LoadError();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64L << 20));
        Assert.That(error.Message, Does.StartWith(_path).And.Contain("network.json describes a network of ").And.Not.Contain("\n"));
    }

    [Test]
    public void AnImageNetworkLibtorchCannotAllocateIsOneLine()
    {
        // No closed-form parameter count is checked for image networks; libtorch's allocation failure is named instead.
        EditJson("stages/1/network.json", o =>
        {
            o["inputShape"] = JsonNode.Parse("[1, 4, 5]");
            o["options"]!["Network"]!["Architecture"] = "cnn-3";
            o["options"]!["Network"]!["Width"] = 2_000_000_000;
        });
        var error = LoadError();
        Assert.That(error.Message, Does.StartWith(_path).And.Contain("network.json describes a network that cannot be built: ").And.Not.Contain("\n"));
    }

    [Test]
    public void TheUndamagedArchiveStillLoads()
    {
        File.WriteAllBytes(_path, _archive);
        var loaded = _ml.Model.LoadCatapultsModel(_path, out var schema);
        (loaded as IDisposable)?.Dispose();
        Assert.That(schema, Is.Not.Null);
    }

    [Test]
    public void AFolderOrAMissingFileInPlaceOfTheArchiveIsNamedAsSuch()
    {
        using (var temp = new TempDirectory())
        {
            string folder = temp.Path;
            var ex = Assert.Throws<IOException>(() => _ml.Model.LoadCatapultsModel(folder, out _));
            Assert.That(ex!.Message, Is.EqualTo($"'{folder}' is a folder; expected a model zip written by SaveCatapultsModel."));
            string missing = Path.Combine(folder, "no", "model.zip");
            var nx = Assert.Throws<FileNotFoundException>(() => _ml.Model.LoadCatapultsModel(missing, out _));
            Assert.That(nx!.Message, Is.EqualTo($"The model file '{missing}' does not exist."));
        }
    }

    [Test]
    public void AnEntryDeclaringMoreThanMemoryHoldsIsRefusedBeforeItIsInflated()
    {
        // A zip bomb's shape: the central directory says the manifest inflates to 3.9 GB (the zip reader trusts that
        // size as its limit, so it is what a hostile entry could make a reader gather).
        var bytes = (byte[])_archive.Clone();
        var name = Encoding.ASCII.GetBytes("manifest.json");
        int patched = 0;
        for (int i = 0; i + 46 < bytes.Length; i++)
        {
            if (bytes[i] != 'P' || bytes[i + 1] != 'K' || bytes[i + 2] != 1 || bytes[i + 3] != 2) continue;
            int nameLength = BitConverter.ToUInt16(bytes, i + 28);
            if (!bytes.AsSpan(i + 46, nameLength).SequenceEqual(name)) continue;
            BitConverter.TryWriteBytes(bytes.AsSpan(i + 24, 4), 0xF000_0000u);
            patched++;
        }
        Assert.That(patched, Is.EqualTo(1), "the manifest's central-directory record");
        File.WriteAllBytes(_path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = LoadError();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64L << 20));
        Assert.That(error.Message, Does.StartWith($"{_path}: the entry 'manifest.json' declares 4,026,531,840 bytes uncompressed"));
    }

    [Test]
    public void ACompressedEntryDamagedInsideIsNamed()
    {
        // Bytes flipped inside the weights' deflated data (after its local header): the zip reader's own error names
        // neither the file nor the entry.
        var bytes = (byte[])_archive.Clone();
        var name = Encoding.ASCII.GetBytes("weights.safetensors");
        int header = -1;
        for (int i = 0; i + 30 < bytes.Length && header < 0; i++)
            if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 3 && bytes[i + 3] == 4
                && bytes.AsSpan(i + 30, BitConverter.ToUInt16(bytes, i + 26)).EndsWith(name))
                header = i;
        Assert.That(header, Is.GreaterThanOrEqualTo(0), "the weights' local header");
        int data = header + 30 + BitConverter.ToUInt16(bytes, header + 26) + BitConverter.ToUInt16(bytes, header + 28);
        for (int i = data + 20; i < data + 400; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(_path, bytes);
        var error = LoadError();
        Assert.That(error.Message, Does.StartWith(_path).And.Contain("weights.safetensors").And.Contain("damaged"));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    // A torn archive, one entry lost, is refused naming the lost entry by its path in the archive, whichever kind of
    // entry it is (mutant 30B-M11 said only that an entry was missing).
    [TestCase("stages/1/network.json")]
    [TestCase("stages/1/report.json")]
    [TestCase("stages/1/weights.safetensors")]
    [TestCase("stages/0.mlnet.zip")]
    [TestCase("stages/2.mlnet.zip")]
    [TestCase("input-schema.mlnet.zip")]
    public void AMissingEntryIsRefusedNamingIt(string entry)
    {
        using (var copy = new MemoryStream())
        {
            copy.Write(_archive);
            using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
                (zip.GetEntry(entry) ?? throw new AssertionException($"no entry '{entry}'")).Delete();
            File.WriteAllBytes(_path, copy.ToArray());
        }
        Assert.That(LoadError().Message, Is.EqualTo($"{_path}: the entry '{entry}' is missing."));
    }

    // A stage damaged after a network stage has loaded frees that network's tensors: a service that retries a bad
    // upload must not keep a network per attempt (mutant 30B-M08 left them live).
    [Test]
    public void ANetworkLoadedBeforeADamagedStageIsFreed()
    {
        Rewrite(_archive, "stages/2.mlnet.zip", _ => Encoding.UTF8.GetBytes("not a zip"));
        TensorAssert.NoLeak(() => LoadError(), () =>
        {
            for (int i = 0; i < 3; i++) LoadError();
        }, "three loads failing at the stage after the network");
    }

    private InvalidDataException LoadError() =>
        Assert.Throws<InvalidDataException>(() => (_ml.Model.LoadCatapultsModel(_path, out _) as IDisposable)?.Dispose())!;

    private void EditJson(string entry, Action<JsonObject> edit) => Rewrite(_archive, entry, bytes =>
    {
        var json = JsonNode.Parse(bytes)!.AsObject();
        edit(json);
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    });

    private void Rewrite(byte[] archive, string entry, Func<byte[], byte[]> change) => File.WriteAllBytes(_path, Rewritten(archive, entry, change));

    // The zip with one entry's content replaced by change(content).
    private static byte[] Rewritten(byte[] zipBytes, string entry, Func<byte[], byte[]> change)
    {
        using var copy = new MemoryStream();
        copy.Write(zipBytes);
        using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            var old = zip.GetEntry(entry) ?? throw new AssertionException($"no entry '{entry}'");
            byte[] bytes;
            using (var reader = old.Open())
            using (var buffer = new MemoryStream())
            {
                reader.CopyTo(buffer);
                bytes = buffer.ToArray();
            }
            old.Delete();
            using var writer = zip.CreateEntry(entry).Open();
            writer.Write(change(bytes));
        }
        return copy.ToArray();
    }
}
