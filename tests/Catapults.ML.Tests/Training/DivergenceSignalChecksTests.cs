using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): the checks around a divergence signal. <see cref="NonFiniteValueException"/>
/// needs a reason (it completes "the run diverged: …"), <see cref="NonFiniteValueException.Describes"/> counts an
/// arithmetic failure as non-finite values, and <see cref="Trainer.ResumeAt"/> refuses a negative step by name.
/// </summary>
public sealed class DivergenceSignalChecksTests
{
    [TestCase("")]
    [TestCase("   ")]
    public void ASignalWithoutAReasonIsRefused(string reason) =>
        Assert.Throws<ArgumentException>(() => new NonFiniteValueException(3, reason));

    [Test]
    public void AnArithmeticFailureDescribesNonFiniteValues()
    {
        Assert.That(NonFiniteValueException.Describes(new OverflowException("too large")), Is.True);
        Assert.That(NonFiniteValueException.Describes(new DivideByZeroException()), Is.True);
        Assert.That(NonFiniteValueException.Describes(new InvalidOperationException("the model is disposed")), Is.False);
    }

    // Found by mutation testing (round 31C): a solver's own message that names non-finite or infinite values, or NaN,
    // describes non-finite values, as a libtorch error does.
    [TestCase("the Lanczos products are non-finite")]
    [TestCase("an eigenvalue is infinite")]
    [TestCase("the residual norm is NaN")]
    public void AMessageNamingNonFiniteValuesDescribesThem(string message) =>
        Assert.That(NonFiniteValueException.Describes(new InvalidOperationException(message)), Is.True);

    [Test]
    public void ALibtorchErrorDescribesNonFiniteValues() =>
        Assert.That(NonFiniteValueException.Describes(new System.Runtime.InteropServices.ExternalException("libtorch: the operation failed")), Is.True);

    // "NaN" is matched by case: a word that merely holds the letters (maintenance) says nothing about the values.
    [Test]
    public void AWordHoldingTheLettersNanIsNoNaN() =>
        Assert.That(NonFiniteValueException.Describes(new InvalidOperationException("the cache is down for maintenance")), Is.False);

    [Test]
    public void ResumingAtANegativeStepIsRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.Linear(2);
        using var trainer = new Trainer(net, new TrainingOptions { MaxSteps = 1 });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.ResumeAt(-1, referenceLoss: null));
        Assert.That(ex!.ParamName, Is.EqualTo("step"));
        Assert.That(trainer.Step, Is.EqualTo(0), "the refused step is not taken");
    }
}
