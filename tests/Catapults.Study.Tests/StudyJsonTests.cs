using System.Text.Json.Nodes;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>The study's files read back as written, and hand edits either read as meant or refused naming the file.</summary>
public sealed class StudyJsonTests
{
    private static readonly RunConfig Config = new()
    {
        Experiment = "test", Label = "json", Data = new DataSettings(), Network = NetworkDescription.Default,
        Training = RunConfig.TrainingFor(0.1, 10, 100, 1, 10) with { Schedule = new WarmupDecaySchedule(0.1, 10, 100, finalRate: 0.01) },
        Seed = 1, RecordEvery = 10, CheckpointEvery = 500,
    };

    private static string Written(TempDirectory temp, Action<JsonObject> edit)
    {
        string path = temp.Combine("config.json");
        StudyJson.Write(path, Config);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    // "must specify a type discriminator" was the message for a schedule whose kind an edit had moved to the end.
    [Test]
    public void AScheduleWhoseKindStandsLastReadsAsWritten()
    {
        using var temp = new TempDirectory();
        string path = Written(temp, json =>
        {
            var schedule = json["training"]!["schedule"]!.AsObject();
            var kind = schedule["kind"]!.DeepClone();
            schedule.Remove("kind");
            schedule["kind"] = kind;
        });
        Assert.That(File.ReadAllText(path), Does.Match("\"finalRate\":0.01[^}]*\"kind\":\"warmupDecay\""), "the kind stands last");
        var back = StudyJson.Read<RunConfig>(path);
        var schedule = (WarmupDecaySchedule)back.Training.Schedule!;
        Assert.That((schedule.PeakRate, schedule.WarmupSteps, schedule.TotalSteps, schedule.FinalRate), Is.EqualTo((0.1, 10, 100, 0.01)));
    }

    // Each experiment sets its own record and checkpoint cadence, so a config.json without one is damaged, not a run
    // at some default cadence: refused naming the file and the field.
    [TestCase("recordEvery")]
    [TestCase("checkpointEvery")]
    public void AConfigWithoutItsCadenceIsRefusedNamingItsFileAndField(string field)
    {
        using var temp = new TempDirectory();
        string path = Written(temp, json => json.Remove(field));
        var ex = Assert.Throws<InvalidDataException>(() => StudyJson.Read<RunConfig>(path));
        Assert.That(ex!.Message, Does.StartWith(path + " is not valid: ").And.Contain(field));
        Assert.That(ex.Message, Does.Not.Contain("\n"));
    }

    // System.Text.Json's own enum converter reads a number, a number in a string, another case or two names joined.
    [TestCase(2)]
    [TestCase("2")]
    [TestCase("adam")]
    [TestCase("Sgd, Adam")]
    [TestCase(" Adam")]
    public void AnEnumNotGivenByExactlyOneNameIsRefusedNamingItsFileAndField(object value)
    {
        using var temp = new TempDirectory();
        string path = Written(temp, json => json["training"]!["optimizer"] = value is int i ? JsonValue.Create(i) : JsonValue.Create((string)value));
        var ex = Assert.Throws<InvalidDataException>(() => StudyJson.Read<RunConfig>(path));
        Assert.That(ex!.Message, Does.StartWith(path + " is not valid: "));
        Assert.That(ex.Message, Does.Contain("$.training.optimizer").And.Contain(nameof(OptimizerKind)));
    }

    [Test]
    public void EnumsAreWrittenAsTheirNamesAndReadBack()
    {
        using var temp = new TempDirectory();
        string path = Written(temp, _ => { });
        Assert.That(File.ReadAllText(path), Does.Contain("\"optimizer\": \"Sgd\"").Or.Contain("\"optimizer\":\"Sgd\""));
        Assert.That(StudyJson.Read<RunConfig>(path).Training.Optimizer, Is.EqualTo(OptimizerKind.Sgd));
    }

    [Test]
    public void AScheduleItsConstructorRefusesIsNamedWithItsFile()
    {
        using var temp = new TempDirectory();
        string path = Written(temp, json => json["training"]!["schedule"]!["totalSteps"] = 5);
        var ex = Assert.Throws<InvalidDataException>(() => StudyJson.Read<RunConfig>(path));
        Assert.That(ex!.Message, Does.StartWith(path + " is not valid: "));
    }

    // As DominantSubspaceSettings.InputOffset is: left out of the file at its default, so a file written before it
    // existed reads as before.
    private sealed record Omittable(int Kept, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] double Offset);

    [Test]
    public void AFieldWrittenOnOnlyOneSideIsADifferenceWhicheverSideItIsOn()
    {
        var plain = new Omittable(1, 0);
        var offset = new Omittable(1, 2.5);
        Assert.Multiple(() =>
        {
            Assert.That(StudyJson.DifferingFields(plain, offset), Is.EqualTo(new[] { "offset" }));
            Assert.That(StudyJson.DifferingFields(offset, plain), Is.EqualTo(new[] { "offset" }));
            Assert.That(StudyJson.DifferingFields(plain, plain with { }), Is.Empty);
        });
    }

    // A JSON null parses, as no value: the caller must get the file named, not a null to trip over later.
    [Test]
    public void AFileHoldingOnlyNullIsRefusedNamingIt()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("config.json");
        File.WriteAllText(path, "null");
        var ex = Assert.Throws<InvalidDataException>(() => StudyJson.Read<RunConfig>(path));
        Assert.That(ex!.Message, Is.EqualTo(path + " is empty."));
    }
}
