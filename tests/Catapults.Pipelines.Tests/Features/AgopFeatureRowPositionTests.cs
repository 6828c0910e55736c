using Catapults.ML.Models;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Features;
using Catapults.Pipelines.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace Catapults.Pipelines.Tests.Features;

/// <summary>
/// The AGOP feature mapper on a row that is not a cursor's (position −1): its features cannot be cached by position,
/// so every read maps the features the row holds now. Found by mutation testing (round 11B).
/// </summary>
public sealed class AgopFeatureRowPositionTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Test]
    public void ARowWithoutAPositionIsMappedAfreshAtEveryRead()
    {
        using var scope = torch.NewDisposeScope();
        // f(x) = wᵀx without bias: trace-normalised G = ûûᵀ with û = w/‖w‖, so G^½ x = û (ûᵀx).
        using var model = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = TestData.Dimension, HiddenWidths = Array.Empty<int>(), UseBias = false, Activation = ActivationKind.Identity, Seed = 5,
        });
        var w = model.Layers[0].Weight.detach().to_type(torch.ScalarType.Float64).data<double>().ToArray();
        double norm = Math.Sqrt(w.Sum(v => v * v));
        var u = w.Select(v => v / norm).ToArray();
        var rows = TestData.Rank2(32, seed: 41);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);

        var mapper = transformer.GetRowToRowMapper(data.Schema);
        using var cursor = data.GetRowCursor(data.Schema);
        using var row = mapper.GetRow(new PositionlessRow(cursor), mapper.OutputSchema);
        var getter = row.GetGetter<VBuffer<float>>(mapper.OutputSchema["AgopFeatures"]);
        var value = default(VBuffer<float>);
        for (int i = 0; i < 3; i++)
        {
            Assert.That(cursor.MoveNext());
            getter(ref value);
            var y = value.DenseValues().ToArray();
            double projection = rows[i].Features.Select((x, j) => x * u[j]).Sum();
            for (int j = 0; j < u.Length; j++)
                // Float32 gradients leave the zero eigenvalues of G at ~1e-8, whose square roots are ~1e-4.
                Assert.That(y[j], Is.EqualTo(u[j] * projection).Within(1e-3), $"row {i}, slot {j}");
        }
        Assert.That(rows.Take(3).Select(r => r.Features.Select((x, j) => x * u[j]).Sum()).Distinct().Count(), Is.EqualTo(3), "the rows map to different features");
    }
}
