using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Persistence;

/// <summary>
/// Saving a model to a caller's stream refuses a stream it cannot write to before anything is saved, naming the
/// stream. Found by mutation testing (round 14B).
/// </summary>
public sealed class ModelOperationsCatalogExtensionsTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Test]
    public void AStreamThatCannotBeWrittenIsRefusedByName()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(4, seed: 1));
        var model = _ml.Transforms.CopyColumns("Copy", "Features").Fit(data);
        using var readOnly = new MemoryStream(new byte[16], writable: false);
        var ex = Assert.Throws<ArgumentException>(() => _ml.Model.SaveCatapultsModel(model, data.Schema, readOnly));
        Assert.That(ex!.ParamName, Is.EqualTo("stream"));
        Assert.That(ex.Message, Does.StartWith("The stream must be writable."));
    }
}
