using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// <see cref="AgopAlignment.Cosine"/> refuses a zero matrix naming the argument that is zero: <c>agop</c> for G,
/// <c>reference</c> for G*. Found by mutation testing (round 15A): a zero G blamed on the reference passed every test.
/// </summary>
[TestFixture]
public sealed class AlignmentZeroAgopTests
{
    [Test]
    public void AZeroAgopIsRefusedUnderItsOwnName()
    {
        using var scope = torch.NewDisposeScope();
        var eye = torch.eye(2, dtype: ScalarType.Float64);
        var zero = torch.zeros(2, 2, dtype: ScalarType.Float64);
        var ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(zero, eye));
        Assert.That(ex!.ParamName, Is.EqualTo("agop"));
        Assert.That(ex.Message, Does.StartWith("The AGOP is zero"));
        ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(eye, zero));
        Assert.That(ex!.ParamName, Is.EqualTo("reference"));
        Assert.That(ex.Message, Does.StartWith("The reference AGOP is zero"));
    }

    [Test]
    public void AnAsymmetricOrNonFiniteMatrixIsNamedAsTheAgopOrTheReference()
    {
        // Found by mutation testing (round 36A): a bad reference reported as "The AGOP …" passed every test.
        using var scope = torch.NewDisposeScope();
        var eye = torch.eye(2, dtype: ScalarType.Float64);
        var skew = torch.tensor(new[] { 1.0, 2.0, 0.0, 1.0 }, ScalarType.Float64).reshape(2, 2);
        var ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(eye, skew));
        Assert.That(ex!.Message, Does.StartWith("The reference AGOP is not symmetric"));
        Assert.That(ex.ParamName, Is.EqualTo("reference"));
        ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(skew, eye));
        Assert.That(ex!.Message, Does.StartWith("The AGOP is not symmetric"));
        Assert.That(ex.ParamName, Is.EqualTo("agop"));
        var nan = eye.clone();
        nan[0, 0] = torch.tensor(double.NaN, ScalarType.Float64);
        ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(eye, nan));
        Assert.That(ex!.Message, Does.StartWith("The reference AGOP has non-finite entries."));
        Assert.That(ex.ParamName, Is.EqualTo("reference"), "the caller's parameter, not the checker's (noticed by round 36A)");
        var wide = torch.ones(2, 3, dtype: ScalarType.Float64);
        ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(wide, wide));
        Assert.That(ex!.ParamName, Is.EqualTo("agop"));
        ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.Fit(skew));
        Assert.That(ex!.ParamName, Is.EqualTo("agop"));
    }
}
