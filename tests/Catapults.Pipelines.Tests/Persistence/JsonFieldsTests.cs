using System.Text.Json.Nodes;
using Catapults.Pipelines.Persistence;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Tests.Persistence;

/// <summary>
/// The field readers of the archive's JSON entries: a count may be 0 but not negative, a column name may not be blank,
/// and an enum field holds a member's name, never a number (in range or not). Each refusal names the entry and the field.
/// Found by mutation testing (6 Dec 2026). A value of the wrong kind is quoted in the message up to 40 characters
/// (round 14B).
/// </summary>
[TestFixture]
public sealed class JsonFieldsTests
{
    private const string Where = "model.zip: stages/0/x.json";

    [Test]
    public void ACountMayBe0ButNotNegative()
    {
        Assert.That(JsonFields.RequiredCount(new JsonObject { ["n"] = 0 }, "n", Where), Is.EqualTo(0));
        var ex = Assert.Throws<InvalidDataException>(() => JsonFields.RequiredCount(new JsonObject { ["n"] = -1 }, "n", Where));
        Assert.That(ex!.Message, Is.EqualTo($"{Where}: field 'n' is -1, expected a count (0 or more)."));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\t")]
    public void ABlankColumnNameIsRefused(string name)
    {
        var ex = Assert.Throws<InvalidDataException>(() => JsonFields.RequiredColumnName(new JsonObject { ["column"] = name }, "column", Where));
        Assert.That(ex!.Message, Does.StartWith($"{Where}: field 'column' is '").And.EndWith("', expected a column name."));
    }

    [TestCase("1")]
    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("7")]
    [TestCase(" 1")]
    [TestCase("+1")]
    [TestCase("Regression, BinaryClassification")]
    [TestCase(" Regression")]
    [TestCase("regression")]
    public void AnEnumFieldHoldingANumberOrAnythingButOneNameIsRefused(string value)
    {
        var ex = Assert.Throws<InvalidDataException>(() => JsonFields.RequiredEnum<PredictionKind>(new JsonObject { ["kind"] = value }, "kind", Where));
        Assert.That(ex!.Message, Is.EqualTo(
            $"{Where}: field 'kind' is '{value}', expected one of Regression, BinaryClassification, MulticlassClassification."));
    }

    [Test]
    public void AnEnumFieldHoldingAMembersNameIsThatMember() =>
        Assert.That(JsonFields.RequiredEnum<PredictionKind>(new JsonObject { ["kind"] = "MulticlassClassification" }, "kind", Where),
            Is.EqualTo(PredictionKind.MulticlassClassification));

    [Test]
    public void AValueOfTheWrongKindIsQuotedUpToFortyCharacters()
    {
        string text = new('x', 60);
        var ex = Assert.Throws<InvalidDataException>(() => JsonFields.Required<int>(new JsonObject { ["n"] = text }, "n", Where));
        // The JSON text is the string in quotes: its first 40 characters are the quote and 39 x's.
        Assert.That(ex!.Message, Is.EqualTo($"{Where}: field 'n' must be a Int32, got \"{new string('x', 39)}….").And.Not.Contain(text));
        var shortEx = Assert.Throws<InvalidDataException>(() => JsonFields.Required<int>(new JsonObject { ["n"] = new string('x', 38) }, "n", Where));
        Assert.That(shortEx!.Message, Is.EqualTo($"{Where}: field 'n' must be a Int32, got \"{new string('x', 38)}\"."), "40 characters are quoted whole");
    }

    // A missing object or array is named as missing, not as a null of the wrong kind (mutant 22A-A16 said "must be an
    // object, got null" of a field the entry does not hold).
    [Test]
    public void AMissingObjectOrArrayIsNamedAsMissing()
    {
        var ex = Assert.Throws<InvalidDataException>(() => JsonFields.RequiredObject(new JsonObject(), "root", Where));
        Assert.That(ex!.Message, Is.EqualTo($"{Where}: the field 'root' is missing."));
        ex = Assert.Throws<InvalidDataException>(() => JsonFields.RequiredArray(new JsonObject { ["other"] = 1 }, "columns", Where));
        Assert.That(ex!.Message, Is.EqualTo($"{Where}: the field 'columns' is missing."));
    }

    // A string escape that is no text (a lone surrogate) is refused naming the field, not with the JSON node's own
    // InvalidOperationException (mutant 22A-A19).
    [Test]
    public void AStringHoldingALoneSurrogateIsRefusedNamingTheField()
    {
        var json = JsonNode.Parse("""{"name": "a\udc00b"}""")!.AsObject();
        var ex = Assert.Throws<InvalidDataException>(() => JsonFields.Required<string>(json, "name", Where));
        Assert.That(ex!.Message, Does.StartWith($"{Where}: field 'name' is not valid text ("));
    }
}
