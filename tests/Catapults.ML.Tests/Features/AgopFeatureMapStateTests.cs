using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// What <see cref="AgopFeatureMap.ToState"/> records and what <see cref="AgopFeatureMap.FromState"/> accepts: the fitted
/// batch size, the d eigenvalues of G for a map of r &lt; d eigenvectors, arrays of the map's own (not the state's), and
/// no map of zero outputs or of a batch size of zero (whose Transform would never advance). Found by mutation testing
/// (round 15A): each passed every test.
/// </summary>
[TestFixture]
public sealed class AgopFeatureMapStateTests
{
    private static Tensor G() => torch.diag(torch.tensor(new[] { 3.0, 2.0, 1.0 }, ScalarType.Float64));

    [Test]
    public void TheStateRecordsTheFittedBatchSize()
    {
        using var scope = torch.NewDisposeScope();
        using var map = AgopFeatureMap.Fit(G(), new AgopFeatureMapOptions { BatchSize = 7 });
        Assert.That(map.ToState().BatchSize, Is.EqualTo(7));
        using var restored = AgopFeatureMap.FromState(map.ToState());
        Assert.That(restored.ToState().BatchSize, Is.EqualTo(7));
    }

    [Test]
    public void AMapFittedWithTheDefaultOptionsTransformsInBatchesOf4096Rows()
    {
        using var scope = torch.NewDisposeScope();
        using var map = AgopFeatureMap.Fit(G());
        Assert.That(map.ToState().BatchSize, Is.EqualTo(4096));
    }

    [Test]
    public void AMapOfFewerEigenvectorsThanInputsRoundTripsWithAllOfGsEigenvalues()
    {
        using var scope = torch.NewDisposeScope();
        using var map = AgopFeatureMap.Fit(G(), new AgopFeatureMapOptions { Kind = AgopFeatureMapKind.TopEigenvectors, Rank = 2 });
        using var restored = AgopFeatureMap.FromState(map.ToState());
        Assert.That(restored.OutputDimension, Is.EqualTo(2));
        Assert.That(restored.Eigenvalues, Is.EqualTo(new[] { 3.0, 2.0, 1.0 }).Within(1e-12));
    }

    [Test]
    public void AMapSharesNoArrayWithTheStatesItIsReadFromOrWritesTo()
    {
        using var scope = torch.NewDisposeScope();
        using var map = AgopFeatureMap.Fit(G());
        var written = map.ToState();
        written.Eigenvalues[0] = 99;
        written.Matrix[0] = 99;
        var read = map.ToState();
        using var restored = AgopFeatureMap.FromState(read);
        read.Eigenvalues[0] = 99;
        read.Matrix[0] = 99;
        // G^½ of diag(3, 2, 1) is diag(√3, √2, 1), its eigenvalues 3, 2, 1.
        foreach (var m in new[] { map, restored })
        {
            Assert.That(m.Eigenvalues, Is.EqualTo(new[] { 3.0, 2.0, 1.0 }).Within(1e-12));
            Assert.That(m.ToState().Matrix[0], Is.EqualTo((float)Math.Sqrt(3)).Within(1e-6));
        }
    }

    [Test]
    public void AStateOfZeroOutputsIsRefused()
    {
        var state = new AgopFeatureMapState
        {
            Kind = AgopFeatureMapKind.TopEigenvectors, InputDimension = 3, OutputDimension = 0,
            Matrix = Array.Empty<float>(), Eigenvalues = new[] { 3.0, 2.0, 1.0 },
        };
        var ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.FromState(state));
        Assert.That(ex!.Message, Does.StartWith("AgopFeatureMapState dimensions must be positive, got [0, 3]."));
    }

    [Test]
    public void AStateOfBatchSizeZeroIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        using var map = AgopFeatureMap.Fit(G());
        var state = map.ToState();
        state.BatchSize = 0;
        var ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.FromState(state));
        Assert.That(ex!.Message, Does.StartWith("AgopFeatureMapState.BatchSize must be at least 1, got 0."));
    }

    // G^p x has as many features as x: a MatrixPower state of 2 outputs for 3 inputs is a damaged file (or another
    // kind's), refused when read rather than mapping into the wrong dimension. Found by mutation testing (round 19C).
    [Test]
    public void ANonSquareMatrixPowerStateIsRefused()
    {
        var state = new AgopFeatureMapState
        {
            Kind = AgopFeatureMapKind.MatrixPower, Power = 0.5, InputDimension = 3, OutputDimension = 2,
            Matrix = new float[] { 1, 0, 0, 0, 1, 0 }, Eigenvalues = new[] { 3.0, 2.0, 1.0 },
        };
        var ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.FromState(state));
        Assert.That(ex!.ParamName, Is.EqualTo("state"));
        Assert.That(ex.Message, Does.StartWith("A MatrixPower map is square, but the state has [2, 3]."));
        // The same matrix as two top eigenvectors is a sound state.
        state.Kind = AgopFeatureMapKind.TopEigenvectors;
        using var map = AgopFeatureMap.FromState(state);
        Assert.That(map.OutputDimension, Is.EqualTo(2));
    }

    // The state names how the map was fitted (documented per field): its kind, its power and whether G was divided by
    // its trace first, whose eigenvalues it then reports, 3/6, 2/6, 1/6 for diag(3, 2, 1). Found by mutation testing
    // (round 19C): a state that always read NormalizeTrace = false passed every test.
    [Test]
    public void TheStateRecordsHowTheMapWasFitted()
    {
        using var scope = torch.NewDisposeScope();
        using var map = AgopFeatureMap.Fit(G(), new AgopFeatureMapOptions { Power = 0.25, NormalizeTrace = true });
        using var restored = AgopFeatureMap.FromState(map.ToState());
        foreach (var state in new[] { map.ToState(), restored.ToState() })
        {
            Assert.That(state.Kind, Is.EqualTo(AgopFeatureMapKind.MatrixPower));
            Assert.That(state.Power, Is.EqualTo(0.25));
            Assert.That(state.NormalizeTrace, Is.True);
            Assert.That(state.Eigenvalues, Is.EqualTo(new[] { 0.5, 1.0 / 3, 1.0 / 6 }).Within(1e-12));
        }
        Assert.That(AgopFeatureMap.Fit(G()).ToState().NormalizeTrace, Is.False, "the default leaves G as it is");
    }
}
