using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>ExtractMember refuses every index outside 0..M − 1 with its documented ArgumentOutOfRangeException, the first one past the end included.</summary>
public class EnsembleExtractMemberRangeTests
{
    [Test]
    public void AnIndexOnePastTheLastMemberIsOutOfRange()
    {
        var network = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 2 };
        var members = new[] { new EnsembleMember(network, training, 1), new EnsembleMember(network, training, 2) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 4 }, 1);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ensemble.ExtractMember(2).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("member"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ensemble.ExtractMember(-1).Dispose());
        using var last = ensemble.ExtractMember(1);
        Assert.That(last, Is.Not.Null);
    }
}
