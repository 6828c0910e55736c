using Catapults.ML.Models;
using Catapults.ML.Runtime;

namespace Catapults.ML.Tests.Runtime;

/// <summary>
/// The refusal of an undeclared enum value, which the engine's options and Catapults.Pipelines share: it names the
/// option as the user spells it and every value it could have been. Found by mutation testing (round 19A): tests read
/// only the option's name, so a message that dropped the list of members passed.
/// </summary>
public sealed class OptionChecksTests
{
    [Test]
    public void AnUndeclaredValueIsRefusedListingEveryMember()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            OptionChecks.RequireDefined((ActivationKind)77, "FullyConnectedOptions.Activation", "options"));
        Assert.That(ex!.ParamName, Is.EqualTo("options"));
        Assert.That(ErrorText.MessageOf(ex), Is.EqualTo("FullyConnectedOptions.Activation must be one of Relu, Tanh, Gelu, Identity, got 77."));
    }

    [Test]
    public void EveryDeclaredValueIsAccepted()
    {
        foreach (var kind in Enum.GetValues<ActivationKind>())
            Assert.DoesNotThrow(() => OptionChecks.RequireDefined(kind, "Activation", "Activation"));
    }
}
