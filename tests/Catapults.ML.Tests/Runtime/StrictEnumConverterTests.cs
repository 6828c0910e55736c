using System.Text.Json;
using System.Text.Json.Serialization;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Runtime;

/// <summary>
/// An enum in a JSON file is exactly one of its member names. The serializer's own converter also reads numbers, other
/// cases and joined names, so a hand edit could pick a member it never named.
/// </summary>
[TestFixture]
public sealed class StrictEnumConverterTests
{
    private sealed record Holder
    {
        public Holder(OptimizerKind optimizer, ActivationKind? activation) => (Optimizer, Activation) = (optimizer, activation);

        // Set through properties, not the constructor, so the serializer's message names the property's type.
        [JsonConstructor]
        private Holder() { }

        public OptimizerKind Optimizer { get; init; }

        public ActivationKind? Activation { get; init; }
    }

    private static readonly JsonSerializerOptions Options = new() { Converters = { new StrictEnumConverter() } };

    [Test]
    public void NamesAreWrittenAndReadBack()
    {
        var holder = new Holder(OptimizerKind.RmsProp, ActivationKind.Tanh);
        string json = JsonSerializer.Serialize(holder, Options);
        Assert.That(json, Is.EqualTo("{\"Optimizer\":\"RmsProp\",\"Activation\":\"Tanh\"}"));
        Assert.That(JsonSerializer.Deserialize<Holder>(json, Options), Is.EqualTo(holder));
        Assert.That(JsonSerializer.Deserialize<Holder>("{\"Optimizer\":\"Adam\",\"Activation\":null}", Options),
            Is.EqualTo(new Holder(OptimizerKind.Adam, null)), "a nullable enum may be null");
    }

    [TestCase("2")]
    [TestCase("\"2\"")]
    [TestCase("\"adam\"")]
    [TestCase("\"ADAM\"")]
    [TestCase("\"Sgd, Adam\"")]
    [TestCase("\" Adam\"")]
    [TestCase("\"Adam \"")]
    [TestCase("\"\"")]
    [TestCase("null")]
    [TestCase("true")]
    [TestCase("[\"Adam\"]")]
    public void AValueThatIsNotExactlyOneNameIsRefusedNamingTheFieldAndType(string value)
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Holder>($"{{\"Optimizer\":{value},\"Activation\":null}}", Options));
        Assert.That(ex!.Path, Is.EqualTo("$.Optimizer"));
        Assert.That(ex.Message, Does.Contain("$.Optimizer").And.Contain(typeof(OptimizerKind).FullName!));
    }

    // Without options: the converter the enum type itself names.
    [Test]
    public void TheLibrarysEnumTypesUseItOnTheirOwn()
    {
        Assert.That(JsonSerializer.Serialize(LossKind.CrossEntropy), Is.EqualTo("\"CrossEntropy\""));
        Assert.That(JsonSerializer.Deserialize<LossKind>("\"CrossEntropy\""), Is.EqualTo(LossKind.CrossEntropy));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LossKind>("\"crossentropy\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LossKind>("1"));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Parameterization>("\"0\""));
    }

    [Test]
    public void DictionaryKeysAreNamesToo()
    {
        var map = new Dictionary<OptimizerKind, int> { [OptimizerKind.Sgd] = 1, [OptimizerKind.Adagrad] = 2 };
        string json = JsonSerializer.Serialize(map, Options);
        Assert.That(json, Is.EqualTo("{\"Sgd\":1,\"Adagrad\":2}"));
        Assert.That(JsonSerializer.Deserialize<Dictionary<OptimizerKind, int>>(json, Options), Is.EqualTo(map));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Dictionary<OptimizerKind, int>>("{\"sgd\":1}", Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Dictionary<OptimizerKind, int>>("{\"0\":1}", Options));
    }

    [Test]
    public void AValueWithoutANameIsNotWritten()
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Serialize(new Holder((OptimizerKind)17, null), Options));
        Assert.That(ex!.Message, Does.Contain("17").And.Contain(nameof(OptimizerKind)));
    }

    [TestCase("Momentum", true, OptimizerKind.Momentum)]
    [TestCase("momentum", false, default(OptimizerKind))]
    [TestCase("1", false, default(OptimizerKind))]
    [TestCase("+1", false, default(OptimizerKind))]
    [TestCase("Sgd,Momentum", false, default(OptimizerKind))]
    [TestCase(null, false, default(OptimizerKind))]
    public void TryParseNameTakesExactlyOneName(string? name, bool parsed, OptimizerKind expected)
    {
        Assert.That(StrictEnumConverter.TryParseName(name, out OptimizerKind value), Is.EqualTo(parsed));
        Assert.That(value, Is.EqualTo(expected));
    }
}
