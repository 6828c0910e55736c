using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Catapults.ML.Models;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Features;
using Catapults.Pipelines.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Persistence;

/// <summary>
/// The archive's manifest and reports read strictly: format name and version, chain scopes (nested, missing, numeric),
/// counts, infinities in report tables. Found by mutation testing (6 Dec 2026).
/// </summary>
public class ArchiveManifestTests
{
    private readonly MLContext _ml = new(seed: 1);

    private byte[] SavedAgopFeatures()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 48));
        using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
        using var stream = new MemoryStream();
        map.Save(stream);
        return stream.ToArray();
    }

    private static byte[] EditManifest(byte[] archive, Action<JsonObject> edit) => EditEntry(archive, "manifest.json", edit);

    private static byte[] EditEntry(byte[] archive, string entry, Action<JsonObject> edit)
    {
        using var copy = new MemoryStream();
        copy.Write(archive);
        using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            var old = zip.GetEntry(entry)!;
            JsonObject json;
            using (var reader = old.Open()) json = JsonNode.Parse(reader)!.AsObject();
            old.Delete();
            edit(json);
            using var writer = zip.CreateEntry(entry).Open();
            writer.Write(Encoding.UTF8.GetBytes(json.ToJsonString()));
        }
        return copy.ToArray();
    }

    // An archive of format version 1 (before NetworkDescription) is refused with a line saying to save again, not read
    // as version 2 (mutant P1 refused only newer versions).
    [Test]
    public void AnOlderFormatVersionIsRefused()
    {
        var old = EditManifest(SavedAgopFeatures(), m => m["formatVersion"] = 1);
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(old), out _));
        Assert.That(ex!.Message, Does.Contain("format version 1"));
    }

    // A manifest without a format version is not read as the current version: it is refused as version 0, older than
    // any this library wrote (mutant 17C-M28 took a missing version for the current one and loaded the file).
    [Test]
    public void AManifestWithoutAFormatVersionIsRefused()
    {
        var unversioned = EditManifest(SavedAgopFeatures(), m => m.Remove("formatVersion"));
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(unversioned), out _));
        Assert.That(ex!.Message, Does.Contain("format version 0"));
    }

    // A manifest whose format is not "Catapults.NET model" is another program's file (mutant P3 dropped the check).
    [Test]
    public void AManifestOfAnotherFormatIsRefused()
    {
        var other = EditManifest(SavedAgopFeatures(), m => m["format"] = "Other model");
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(other), out _));
        Assert.That(ex!.Message, Does.Contain("'Other model'").And.Contain("Catapults.NET model"));
    }

    private sealed class Row
    {
        public float A { get; set; }
        public float B { get; set; }
    }

    private (ITransformer Model, IDataView Data) TrainingOnlyStageInANestedChain()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new Row { A = 1, B = 2 }, new Row { A = 3, B = 4 } });
        var concat = _ml.Transforms.Concatenate("AB", "A", "B").Fit(data);
        var copy = _ml.Transforms.CopyColumns("C", "A").Fit(data);
        var inner = new TransformerChain<ITransformer>(concat);
        var outer = new TransformerChain<ITransformer>(new ITransformer[] { inner, copy }, new[] { TransformerScope.Training, TransformerScope.Everything });
        return (outer, data);
    }

    // A model arrives over a stream that cannot seek (a download, a decompressor) and loads as from a file.
    [Test]
    public void AModelLoadsFromAStreamThatCannotSeek()
    {
        var saved = SavedAgopFeatures();
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionMode.Compress, leaveOpen: true)) gzip.Write(saved);
        packed.Position = 0;
        using var stream = new GZipStream(packed, CompressionMode.Decompress);
        Assert.That(stream.CanSeek, Is.False);
        using var loaded = (AgopFeatureTransformer)_ml.Model.LoadCatapultsModel(stream, out _);
        using var direct = (AgopFeatureTransformer)_ml.Model.LoadCatapultsModel(new MemoryStream(saved), out _);
        var input = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 48)).Schema;
        Assert.That(loaded.GetOutputSchema(input).Select(c => $"{c.Name}:{c.Type}"),
            Is.EqualTo(direct.GetOutputSchema(input).Select(c => $"{c.Name}:{c.Type}")));
    }

    // A nested chain's transformers keep the scope of the chain around them: a stage only for training is not scored
    // after a round trip (mutant P4 gave it its inner chain's scope, Everything).
    [Test]
    public void AStageOfATrainingOnlyNestedChainIsNotScoredAfterARoundTrip()
    {
        var (model, data) = TrainingOnlyStageInANestedChain();
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = (TransformerChain<ITransformer>)_ml.Model.LoadCatapultsModel(stream, out _);
        var scoring = loaded.GetModelFor(TransformerScope.Scoring).ToList();
        Assert.That(scoring, Has.Count.EqualTo(1));
        Assert.That(scoring[0].GetOutputSchema(data.Schema).GetColumnOrNull("C"), Is.Not.Null);
        Assert.That(loaded.GetModelFor(TransformerScope.Training).Count(), Is.EqualTo(2));
    }

    // An element without a "scope" is in every scope, as in ML.NET's TransformerChain (mutant P5 read it as Scoring).
    [Test]
    public void AChainElementWithoutAScopeIsInEveryScope()
    {
        var (model, data) = TrainingOnlyStageInANestedChain();
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        var edited = EditManifest(stream.ToArray(), m =>
        {
            foreach (var element in m["root"]!["elements"]!.AsArray()) element!.AsObject().Remove("scope");
        });
        var loaded = (TransformerChain<ITransformer>)_ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _);
        // The one element (the ML.NET run, whose scopes are inside it) was written with scope Everything: nothing changes.
        Assert.That(loaded.GetModelFor(TransformerScope.Training).Count(), Is.EqualTo(2));
        Assert.That(loaded.GetModelFor(TransformerScope.Scoring).Count(), Is.EqualTo(1));
        // Testing too (mutant 22A-A43 read a missing scope as Training and Scoring only).
        Assert.That(loaded.GetModelFor(TransformerScope.Testing).Count(), Is.EqualTo(1));
    }

    // A chain element's scope is one of TransformerScope's names, not a number (mutant P11 read "1" as Training).
    [Test]
    public void AScopeWrittenAsANumberIsRefused()
    {
        var (model, data) = TrainingOnlyStageInANestedChain();
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        var edited = EditManifest(stream.ToArray(), m => m["root"]!["elements"]![0]!["scope"] = "1");
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _));
        Assert.That(ex!.Message, Does.Contain("'scope'").And.Contain("'1'"));
    }

    // A stage type this version does not know is refused with every type it does read, the two built-in ones ('mlnet',
    // 'chain') among them (mutant 17C-M31 listed only the registered stage types).
    [Test]
    public void AnUnknownStageTypeIsRefusedListingEveryTypeThisVersionReads()
    {
        var edited = EditManifest(SavedAgopFeatures(), m => m["root"]!["type"] = "future-stage");
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _));
        Assert.That(ex!.Message, Does.Contain("'future-stage'")
            .And.Contain("'network'").And.Contain("'agop-features'").And.Contain("'mlnet'").And.Contain("'chain'"));
    }

    // Loading a chain as one transformer type says it holds a chain, in words, not TransformerChain`1 (mutant 17C-M32).
    [Test]
    public void LoadingAChainAsOneTransformerSaysItHoldsAChain()
    {
        var (model, data) = TrainingOnlyStageInANestedChain();
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        stream.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() =>
            Catapults.Pipelines.Persistence.CatapultsModelArchive.LoadTransformer<Catapults.Pipelines.Trainers.TorchNetworkRegressionTransformer>(stream));
        Assert.That(ex!.Message, Does.StartWith("model stream holds a transformer chain, not the TorchNetworkRegressionTransformer asked for."));
    }

    // A stage's missing JSON entry is named by its full path in the archive, stage folder included, so that the entry
    // can be found (mutant 17C-M39 named only 'agop-features.json', which every stage of that type has).
    [Test]
    public void AStagesMissingJsonEntryIsNamedByItsPathInTheArchive()
    {
        using var copy = new MemoryStream();
        copy.Write(SavedAgopFeatures());
        using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
            zip.GetEntry("stages/0/agop-features.json")!.Delete();
        copy.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(copy, out _));
        Assert.That(ex!.Message, Is.EqualTo("model stream: the entry 'stages/0/agop-features.json' is missing."));
    }

    // A training report's step count is a count: −1 is a damaged report (mutant P9 let it through).
    [Test]
    public void ANegativeStepCountInTheTrainingReportIsRefused()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(32, seed: 49));
        using var network = _ml.Regression.Trainers.TorchNetwork(Catapults.Pipelines.Tests.Trainers.Tiny.Configure(new Catapults.Pipelines.Trainers.TorchNetworkRegressionTrainer.Options())).Fit(data);
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(network, data.Schema, stream);
        var edited = EditEntry(stream.ToArray(), "stages/0/report.json", r => r["result"]!["steps"] = -1);
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _));
        Assert.That(ex!.Message, Does.Contain("'steps'").And.Contain("-1"));
    }

    // Report tables keep −∞ as −∞ through their JSON (mutant P12 read "-Infinity" back as +∞).
    [Test]
    public void ATableWithInfinitiesRoundTrips()
    {
        var table = new Microsoft.Data.Analysis.DataFrame(
            new Microsoft.Data.Analysis.DoubleDataFrameColumn("d", new double?[] { double.NegativeInfinity, double.PositiveInfinity, double.NaN, 1.5 }),
            new Microsoft.Data.Analysis.SingleDataFrameColumn("f", new float?[] { float.NegativeInfinity, float.PositiveInfinity, float.NaN, 2.5f }));
        var back = Catapults.Pipelines.Persistence.TableJson.Read(JsonNode.Parse(Catapults.Pipelines.Persistence.TableJson.Write(table).ToJsonString())!.AsObject(), "table");
        Assert.That(Enumerable.Range(0, 4).Select(i => (double?)back["d"][i]), Is.EqualTo(new double?[] { double.NegativeInfinity, double.PositiveInfinity, double.NaN, 1.5 }));
        Assert.That(Enumerable.Range(0, 4).Select(i => (float?)back["f"][i]), Is.EqualTo(new float?[] { float.NegativeInfinity, float.PositiveInfinity, float.NaN, 2.5f }));
    }

    // An older archive is told to be saved again, a newer one to update the library: the advice is the other way round
    // for each (mutant 22A-A01 swapped them).
    [Test]
    public void AnOlderVersionIsToldToSaveAgainAndANewerOneToUpdateTheLibrary()
    {
        var older = EditManifest(SavedAgopFeatures(), m => m["formatVersion"] = 1);
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(older), out _));
        Assert.That(ex!.Message, Does.StartWith("model stream has format version 1, written before networks were described by NetworkDescription;")
            .And.EndWith("train and save the model again.").And.Not.Contain("Update the library"));
        var newer = EditManifest(SavedAgopFeatures(), m => m["formatVersion"] = 3);
        ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(newer), out _));
        Assert.That(ex!.Message, Is.EqualTo("model stream has format version 3; this version of Catapults.Pipelines reads version 2. Update the library to load it."));
    }

    // A file that is not a zip at all is named as not a model file (mutant 22A-A08 let the zip reader's own message,
    // naming no file, escape).
    [Test]
    public void AFileThatIsNotAZipIsNamedAsNoModelFile()
    {
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(Encoding.UTF8.GetBytes("not a zip at all")), out _));
        Assert.That(ex!.Message, Is.EqualTo("model stream is not a Catapults.NET model file (not a zip archive)."));
    }

    // A lone ML.NET transformer saved on its own loads as a chain in which it is in every scope (mutant 22A-A03 saved it
    // for scoring only, so a training pipeline built on the loaded model lost it).
    [Test]
    public void ALoneMlNetTransformerLoadsInEveryScope()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new Row { A = 1, B = 2 }, new Row { A = 3, B = 4 } });
        var copy = _ml.Transforms.CopyColumns("C", "A").Fit(data);
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(copy, data.Schema, stream);
        stream.Position = 0;
        var loaded = (TransformerChain<ITransformer>)_ml.Model.LoadCatapultsModel(stream, out _);
        foreach (var scope in new[] { TransformerScope.Training, TransformerScope.Scoring, TransformerScope.Testing })
            Assert.That(loaded.GetModelFor(scope).Count(), Is.EqualTo(1), scope.ToString());
    }

    // The scope of an ML.NET element of a chain applies to the transformers inside it: a run marked for training only is
    // not scored (mutant 22A-A05 read every ML.NET element as in every scope).
    [Test]
    public void AnMlNetElementsScopeAppliesToItsTransformers()
    {
        var (model, data) = TrainingOnlyStageInANestedChain();
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        var edited = EditManifest(stream.ToArray(), m => m["root"]!["elements"]![0]!["scope"] = "Training");
        var loaded = (TransformerChain<ITransformer>)_ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _);
        Assert.That(loaded.GetModelFor(TransformerScope.Training).Count(), Is.EqualTo(2));
        Assert.That(loaded.GetModelFor(TransformerScope.Scoring).Count(), Is.Zero);
    }

    // A file loaded as one transformer type but holding another is named by its path (mutant 22A-A32 called every
    // file "model stream").
    [Test]
    public void AFileOfAnotherTransformerTypeIsNamedByItsPath()
    {
        using var temp = new Catapults.ML.Tests.Data.Fixtures.TempDirectory();
        string path = temp.Combine("features.zip");
        File.WriteAllBytes(path, SavedAgopFeatures());
        var ex = Assert.Throws<InvalidDataException>(() => Catapults.Pipelines.Trainers.TorchNetworkRegressionTransformer.Load(path));
        Assert.That(ex!.Message, Does.StartWith($"{path} holds the transformer AgopFeatureTransformer, not the TorchNetworkRegressionTransformer asked for."));
    }

    // A chain is saved as its runs of ML.NET transformers and its own stages, nothing more: no empty ML.NET stage
    // before or after an own stage (mutant 22A-A33 wrote one at each end).
    [Test]
    public void AChainIsSavedWithoutEmptyMlNetStages()
    {
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = TestData.Dimension, HiddenWidths = new[] { 4 }, Seed = 5 });
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 48));
        using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
        var copy = _ml.Transforms.CopyColumns("Copy", "Features").Fit(data);
        foreach (var (chain, types) in new[]
        {
            (new TransformerChain<ITransformer>(copy, map), new[] { "mlnet", "agop-features" }),
            (new TransformerChain<ITransformer>(map, copy), new[] { "agop-features", "mlnet" }),
        })
        {
            using var stream = new MemoryStream();
            _ml.Model.SaveCatapultsModel(chain, data.Schema, stream);
            using var zip = new ZipArchive(new MemoryStream(stream.ToArray()));
            JsonObject manifest;
            using (var reader = zip.GetEntry("manifest.json")!.Open()) manifest = JsonNode.Parse(reader)!.AsObject();
            Assert.That(manifest["root"]!["elements"]!.AsArray().Select(e => (string)e!["type"]!), Is.EqualTo(types));
            Assert.That(zip.Entries.Count(e => e.FullName.EndsWith(".mlnet.zip", StringComparison.Ordinal)), Is.EqualTo(2), "one ML.NET run and the input schema");
        }
    }

    // A chain's elements are objects in an array; anything else is refused naming where it stands in the manifest
    // (mutant 30B-M06 cast the element and failed with an InvalidCastException or an ArgumentNullException naming
    // nothing, and 30B-M13 said an array field "must be an object").
    [TestCase("elements[0]", "5", "model stream: manifest.json: root.elements[0] is not a JSON object.")]
    [TestCase("elements[0]", "null", "model stream: manifest.json: root.elements[0] is not a JSON object.")]
    [TestCase("elements[0]", "[]", "model stream: manifest.json: root.elements[0] is not a JSON object.")]
    [TestCase("elements", "5", "model stream: manifest.json: root: field 'elements' must be an array, got 5.")]
    [TestCase("elements", "{\"0\": {}}", "model stream: manifest.json: root: field 'elements' must be an array, got {\"0\":{}}.")]
    public void AChainElementThatIsNoObjectInAnArrayIsRefusedNamingWhereItStands(string field, string json, string expected)
    {
        var (model, data) = TrainingOnlyStageInANestedChain();
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        var edited = EditManifest(stream.ToArray(), m =>
        {
            if (field == "elements") m["root"]!["elements"] = JsonNode.Parse(json);
            else m["root"]!["elements"]![0] = JsonNode.Parse(json);
        });
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _));
        Assert.That(ex!.Message, Is.EqualTo(expected));
    }

    // Field names are matched exactly: "InputSchema" is not the manifest's "inputSchema", and is refused rather than
    // skipped, which would load the model without its input schema (mutant 30B-M12 matched names ignoring case).
    [Test]
    public void AManifestFieldNamedInAnotherCaseIsRefused()
    {
        var (model, data) = TrainingOnlyStageInANestedChain();
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        var edited = EditManifest(stream.ToArray(), m =>
        {
            var schema = m["inputSchema"]!.DeepClone();
            m.Remove("inputSchema");
            m["InputSchema"] = schema;
        });
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _));
        Assert.That(ex!.Message, Does.StartWith("model stream: manifest.json: unknown field 'InputSchema' (this version reads 'format', 'formatVersion', "));
    }

    // CatapultsModelArchive's own Load by path names the file in its messages, as the catalog's method does (mutant
    // 30B-M10 called it "model stream"); Save by path writes a file it loads.
    [Test]
    public void TheArchivesOwnLoadByPathNamesTheFile()
    {
        using var temp = new Catapults.ML.Tests.Data.Fixtures.TempDirectory();
        string path = temp.Combine("newer.zip");
        File.WriteAllBytes(path, EditManifest(SavedAgopFeatures(), m => m["formatVersion"] = 3));
        var ex = Assert.Throws<InvalidDataException>(() => Catapults.Pipelines.Persistence.CatapultsModelArchive.Load(path, out _));
        Assert.That(ex!.Message, Is.EqualTo($"{path} has format version 3; this version of Catapults.Pipelines reads version 2. Update the library to load it."));

        var (model, data) = TrainingOnlyStageInANestedChain();
        string saved = temp.Combine("saved.zip");
        Catapults.Pipelines.Persistence.CatapultsModelArchive.Save(model, data.Schema, saved);
        var loaded = (TransformerChain<ITransformer>)Catapults.Pipelines.Persistence.CatapultsModelArchive.Load(saved, out var schema);
        Assert.That(schema!.Select(c => c.Name), Is.EqualTo(data.Schema.Select(c => c.Name)));
        Assert.That(loaded.GetModelFor(TransformerScope.Scoring).Count(), Is.EqualTo(1));
    }

    // An element without a type is refused as such, not read as another kind of element (mutant 30B-M27 read it as a
    // chain and then asked for its 'elements').
    [Test]
    public void AnElementWithoutATypeIsRefusedForItsType()
    {
        var edited = EditManifest(SavedAgopFeatures(), m => m["root"]!.AsObject().Remove("type"));
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _));
        Assert.That(ex!.Message, Does.StartWith("model stream: ").And.Contain("type").And.Not.Contain("'elements'"));
    }

    // Found by mutation testing (round 30B) as a bug, fixed on 7 Dec 2026: an element that lost its "type" was refused
    // as a stage of type '' that "this version cannot load", with the advice to update the library, and without saying
    // which element of the manifest it is.
    [Test]
    public void AnElementWithoutATypeIsNamedAsMissingItsType()
    {
        var edited = EditManifest(SavedAgopFeatures(), m => m["root"]!.AsObject().Remove("type"));
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _));
        Assert.That(ex!.Message, Is.EqualTo("model stream: manifest.json: root: the field 'type' is missing."));
    }

    // A stage type this version does not know is refused naming the element that holds it, as every other manifest
    // problem is named (it named only the archive before 7 Dec 2026).
    [Test]
    public void AnElementOfAnUnknownTypeIsNamedByItsPlaceInTheManifest()
    {
        var edited = EditManifest(SavedAgopFeatures(), m => m["root"]!["type"] = "kernel-features");
        var ex = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _));
        Assert.That(ex!.Message, Does.StartWith("model stream: manifest.json: root has type 'kernel-features', which this version of Catapults.Pipelines cannot load (it reads "));
    }

    // A scope written as null reads as a missing one, in every scope, as the archive's optional fields read null
    // (the manifest's "inputSchema" is null when no schema was saved); mutant 30B-M31 refused it as missing.
    [Test]
    public void AChainElementWhoseScopeIsNullIsInEveryScope()
    {
        var (model, data) = TrainingOnlyStageInANestedChain();
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        var edited = EditManifest(stream.ToArray(), m =>
        {
            foreach (var element in m["root"]!["elements"]!.AsArray()) element!["scope"] = null;
        });
        var loaded = (TransformerChain<ITransformer>)_ml.Model.LoadCatapultsModel(new MemoryStream(edited), out _);
        Assert.That(loaded.GetModelFor(TransformerScope.Training).Count(), Is.EqualTo(2));
        Assert.That(loaded.GetModelFor(TransformerScope.Scoring).Count(), Is.EqualTo(1));
        Assert.That(loaded.GetModelFor(TransformerScope.Testing).Count(), Is.EqualTo(1));
    }
}
