using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// AgopFeatureMap at the edges of its options: rank r = d, AGOPs with repeated eigenvalues, p = 1, and a power that overflows float32 only.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class AgopFeatureMapEdgeTests
{
    [Test]
    public void ARankEqualToTheDimensionKeepsEveryEigenvector()
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.diag(torch.tensor(new[] { 3.0, 2.0, 1.0 }, ScalarType.Float64));
        using var map = AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { Kind = AgopFeatureMapKind.TopEigenvectors, Rank = 3 });
        // The eigenvectors of diag(3, 2, 1), in descending order with a positive largest entry, are e₁, e₂, e₃.
        Assert.That(torch.allclose(map.Matrix(), torch.eye(3, dtype: ScalarType.Float64), rtol: 0, atol: 1e-7), Is.True);
    }

    [Test]
    public void AMapOfAnAgopWithRepeatedEigenvaluesRoundTripsThroughItsState()
    {
        using var scope = torch.NewDisposeScope();
        // The rank-2 task's AGOP diag(1, 1, 0, 0) has its eigenvalues 1 and 0 twice each.
        var g = torch.diag(torch.tensor(new[] { 1.0, 1.0, 0.0, 0.0 }, ScalarType.Float64));
        using var map = AgopFeatureMap.Fit(g);
        using var restored = AgopFeatureMap.FromState(map.ToState());
        var x = torch.tensor(new float[] { 2, 3, 5, 7 }).reshape(1, 4);
        Assert.That(restored.Transform(x).data<float>().ToArray(), Is.EqualTo(new float[] { 2, 3, 0, 0 }).Within(1e-6));
    }

    [Test]
    public void AMapOfPowerOneIsGItself()
    {
        using var scope = torch.NewDisposeScope();
        // G^1 = G, small eigenvalues included (1e-7 is below d · 2⁻²³ = 4.8e-7, the floor that applies for p < 1 only).
        var g = torch.diag(torch.tensor(new[] { 1.0, 1e-7, 0.0, 0.0 }, ScalarType.Float64));
        using var map = AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { Power = 1.0 });
        Assert.That(map.Matrix()[1, 1].item<double>(), Is.EqualTo(1e-7).Within(1e-12));
    }

    [Test]
    public void APowerThatOverflowsOnlyFloat32IsRefusedWhenFitted()
    {
        using var scope = torch.NewDisposeScope();
        // 4¹⁰⁰ ≈ 1.6e60 is finite in float64 but beyond float32's 3.4e38, where the map is stored.
        var g = torch.diag(torch.tensor(new double[] { 4, 1 }));
        Assert.Throws<ArgumentException>(() => AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { Power = 100 }));
    }

    [Test]
    public void ATopEigenvectorMapKeepsTheTenLeadingEigenvectorsByDefault()
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.diag(torch.arange(12, 0, -1, ScalarType.Float64));
        using var map = AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { Kind = AgopFeatureMapKind.TopEigenvectors });
        Assert.That(map.OutputDimension, Is.EqualTo(10));
        Assert.That(torch.allclose(map.Matrix(), torch.eye(10, 12, dtype: ScalarType.Float64), rtol: 0, atol: 1e-7), Is.True,
            "the coordinates along e₁ … e₁₀ of diag(12, 11, …, 1)");
    }

    [Test]
    public void TheRowTransformMultipliesInDoubleSoCancellingTermsKeepTheirLowBits()
    {
        // a = 1 + 2⁻¹²: a·a − 1 = 2⁻¹¹ + 2⁻²⁴ exactly, while a·a rounded to float32 loses the 2⁻²⁴.
        float a = 1f + 1f / 4096;
        var state = new AgopFeatureMapState
        {
            Kind = AgopFeatureMapKind.TopEigenvectors, InputDimension = 2, OutputDimension = 1,
            Matrix = new[] { a, -1f }, Eigenvalues = new[] { 2.0, 1.0 },
        };
        using var map = AgopFeatureMap.FromState(state);
        var output = new float[1];
        map.Transform(new[] { a, 1f }, output);
        Assert.That(output[0], Is.EqualTo((float)(Math.Pow(2, -11) + Math.Pow(2, -24))));
    }
}
