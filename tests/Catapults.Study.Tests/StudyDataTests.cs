using TorchSharp;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// StudyData against definitions computed by hand: the rank-2 task's true AGOP (f = x₁x₂, x ~ N(0, I), so
/// E[∇f ∇fᵀ] = diag(1, 1, 0, …)), and the error over more samples than one evaluation chunk.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class StudyDataTests
{
    [Test]
    public void TheRank2ReferenceAgopLivesOnTheFirstTwoCoordinates()
    {
        using var data = StudyData.Load(new DataSettings { Dataset = "rank2", TrainCount = 10, TestCount = 10, InputDimension = 6 });
        var agop = data.ReferenceAgop!.to_type(torch.float64).data<double>().ToArray();
        Assert.Multiple(() =>
        {
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++)
                    if (i < 2 && j < 2) { if (i == j) Assert.That(agop[i * 6 + j], Is.GreaterThan(0), $"[{i},{j}]"); }
                    else Assert.That(agop[i * 6 + j], Is.EqualTo(0).Within(1e-12), $"[{i},{j}]");
        });
    }

    [Test]
    public void TheErrorCountsEverySampleOnce()
    {
        using var temp = new TempDirectory();
        string root = temp.Combine("data");
        DatasetFixtures.WriteCifar(root, perBatch: 240, testCount: 10);
        using var data = StudyData.Load(new DataSettings { Dataset = "cifar10", DataRoot = root, TrainCount = 1200, TestCount = 10 });
        Assert.That(data.Train.Count, Is.GreaterThan(1100), "more than one chunk of 1024");
        using var model = new NetworkDescription { Width = 8 }.Build(data.InputShape, data.OutputCount, seed: 2);
        long wrong;
        using (torch.no_grad())
        {
            model.eval();
            var predicted = model.forward(data.Train.Features).argmax(1);
            wrong = predicted.ne(data.Train.Targets.argmax(1)).sum().ToInt64();
        }
        Assert.That(data.Error(model, data.Train), Is.EqualTo((double)wrong / data.Train.Count).Within(1e-12));
    }
}
