using Catapults.Study.DominantSubspace;

namespace Catapults.Study.Tests.DominantSubspace;

/// <summary>
/// The dominant-subspace settings at the edges of their documented ranges: finite learning rates, a mini-batch of one
/// sample at least, two classes at least, no warm-up allowed,
/// refreshes and records every step at least, up to 100 seeds, an edge-of-stability factor
/// strictly above 0, a cluster scale and an input offset up to their largest, a SAM radius strictly above 0, one Hessian
/// sample at least, and mini-batches (SGD's, and before GD the SGD steps') as large as the training set. Found by
/// mutation testing (round 14B). Each remaining refusal names its option and value: samples, input dimension, width, a
/// zero rate, a negative warm-up, arms of one step and a rank of one at least, a mini-batch under --eos, and an
/// activation or parameterisation outside the study's (round 17B).
/// </summary>
public sealed class DominantSubspaceSettingsTests
{
    private static string Refusal(DominantSubspaceSettings settings) => Assert.Throws<ArgumentException>(settings.Validate)!.Message;

    [Test]
    public void SeedsRunFromOneToAHundred()
    {
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { Seeds = 100 }).Validate());
        Assert.That(Refusal(DominantSubspaceSettings.Quick with { Seeds = 101 }), Is.EqualTo("--seeds must be in 1..100, got 101."));
    }

    [Test]
    public void AnEdgeOfStabilityFactorOfZeroIsRefused()
    {
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.QuickEos with { EdgeOfStabilityFactor = 1e-3 }).Validate());
        Assert.That(Refusal(DominantSubspaceSettings.QuickEos with { EdgeOfStabilityFactor = 0 }), Is.EqualTo("--eos-factor must be in (0, 4), got 0."));
    }

    [Test]
    public void TheLargestClusterScaleIsAllowed() =>
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { ClusterScale = DominantSubspaceSettings.MaxClusterScale }).Validate());

    [Test]
    public void TheLargestInputOffsetIsAllowed()
    {
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { InputOffset = DominantSubspaceSettings.MaxInputOffset }).Validate());
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { InputOffset = -DominantSubspaceSettings.MaxInputOffset }).Validate());
    }

    [Test]
    public void ASamRadiusOfZeroIsRefused() =>
        Assert.That(Refusal(DominantSubspaceSettings.Quick with { SamRadius = 0 }), Is.EqualTo("--sam-radius must be positive, got 0."));

    [Test]
    public void AtLeastOneHessianSampleIsNeeded()
    {
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { HessianSamples = 1 }).Validate());
        Assert.That(Refusal(DominantSubspaceSettings.Quick with { HessianSamples = 0 }), Is.EqualTo("--hessian-samples must be at least 1, got 0."));
    }

    [Test]
    public void AMiniBatchMayHoldTheWholeTrainingSet()
    {
        var settings = DominantSubspaceSettings.Quick with { BatchSize = 40 };
        Assert.DoesNotThrow(() => settings.RequireBatchesFit(40));
        Assert.That(Assert.Throws<ArgumentException>(() => settings.RequireBatchesFit(39))!.Message,
            Is.EqualTo("--batch-size 40 exceeds the 39 training samples; give at most 39, or 0 for full-batch GD."));
    }

    [Test]
    public void TheSgdStepsBeforeGdMayTakeTheWholeTrainingSetAsABatch()
    {
        var settings = DominantSubspaceSettings.QuickEos with { SgdWarmUpSteps = 5, SgdBatchSize = 40 };
        Assert.DoesNotThrow(() => settings.RequireBatchesFit(40));
        Assert.That(Assert.Throws<ArgumentException>(() => settings.RequireBatchesFit(39))!.Message,
            Is.EqualTo("--sgd-warm-up-batch 40 exceeds the 39 training samples; give at most 39."));
    }

    [Test]
    public void TwoClassesAreTheFewest()
    {
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { Classes = 2 }).Validate());
        Assert.That(Refusal(DominantSubspaceSettings.Quick with { Classes = 1 }), Is.EqualTo("--classes must be at least 2, got 1."));
    }

    [Test]
    public void NoWarmUpIsAllowed() => Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { WarmUpSteps = 0 }).Validate());

    [Test]
    public void RefreshesAndRecordsComeEveryStepAtLeast()
    {
        Assert.That(Refusal(DominantSubspaceSettings.Quick with { RefreshEvery = 0 }), Is.EqualTo("--refresh-every must be at least 1, got 0."));
        Assert.That(Refusal(DominantSubspaceSettings.Quick with { RecordEvery = 0 }), Is.EqualTo("--record-every must be at least 1, got 0."));
    }

    [Test]
    public void AnInfiniteLearningRateIsRefused()
    {
        Assert.That(Refusal(DominantSubspaceSettings.Quick with { LearningRate = double.PositiveInfinity }), Does.StartWith("--learning-rate must be positive, got "));
        Assert.That(Refusal(DominantSubspaceSettings.QuickEos with { SgdLearningRate = double.PositiveInfinity }), Does.StartWith("--sgd-warm-up-rate must be positive, got "));
    }

    [Test]
    public void AMiniBatchOfNoSamplesIsRefused() =>
        Assert.That(Refusal(DominantSubspaceSettings.Quick with { BatchSize = 0 }), Is.EqualTo("--batch-size must be at least 1, got 0."));

    [Test]
    public void EachSizeIsRefusedByItsOwnOption()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Refusal(DominantSubspaceSettings.Quick with { Samples = 0 }), Is.EqualTo("--samples must be at least 1, got 0."));
            Assert.That(Refusal(DominantSubspaceSettings.Quick with { InputDimension = 0 }), Is.EqualTo("--input-dimension must be at least 1, got 0."));
            Assert.That(Refusal(DominantSubspaceSettings.Quick with { Width = 0 }), Is.EqualTo("--width must be at least 1, got 0."));
            Assert.That(Refusal(DominantSubspaceSettings.Quick with { LearningRate = 0 }), Is.EqualTo("--learning-rate must be positive, got 0."));
            Assert.That(Refusal(DominantSubspaceSettings.Quick with { WarmUpSteps = -1 }), Is.EqualTo("--warm-up-steps must be ≥ 0, got -1."));
            Assert.That(Refusal(DominantSubspaceSettings.Quick with { Steps = 0 }), Is.EqualTo("--steps must be at least 1, got 0."));
            Assert.That(Refusal(DominantSubspaceSettings.Quick with { Rank = 0 }), Is.EqualTo("--rank must be at least 1, got 0."));
        });
    }

    [Test]
    public void ArmsOfOneStepAndARankOfOneAreAllowed()
    {
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { Steps = 1 }).Validate());
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { Rank = 1 }).Validate());
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { Samples = 16 }).Validate(), "a mini-batch of 16 in 16 samples");
    }

    [Test]
    public void TheEdgeOfStabilityRegimeRefusesAMiniBatch() =>
        Assert.That(Refusal(DominantSubspaceSettings.QuickEos with { BatchSize = 16 }), Is.EqualTo("--eos trains with full-batch GD; leave out --batch-size (or give 0)."));

    [Test]
    public void OnlyTanhAndReluAndTheThreeParameterisationsAreStudied()
    {
        Assert.That(Refusal(DominantSubspaceSettings.Quick with { Activation = ML.Models.ActivationKind.Gelu }), Is.EqualTo("--activation must be tanh or relu, got Gelu."));
        Assert.DoesNotThrow(() => (DominantSubspaceSettings.Quick with { Activation = ML.Models.ActivationKind.Relu }).Validate());
        Assert.That(Refusal(DominantSubspaceSettings.Quick with { Parameterization = (ML.Models.Parameterization)99 }),
            Is.EqualTo("--parameterization must be ntk, standard or meanfield, got 99."));
    }

    [Test]
    public void ARankBeyondTheNetworksParametersIsRefusedAtPlanning()
    {
        // --quick: d = 16, 4 classes; at width 1 the MLP 16-1-1-4 with biases has (16 + 1)·1 + (1 + 1)·1 + (1 + 1)·4 = 27 parameters.
        using var temp = new Catapults.ML.Tests.Data.Fixtures.TempDirectory();
        var accepted = StudyCli.Run("plan", "dominant-subspace", "--quick", "--width", "1", "--rank", "27", "--out", temp.Combine("fits"));
        Assert.That(accepted.ExitCode, Is.EqualTo(0), accepted.Out + accepted.Error);
        string line = CliAssert.OneLineError(StudyCli.Run("plan", "dominant-subspace", "--quick", "--width", "1", "--rank", "28", "--out", temp.Combine("too-many")));
        Assert.That(line, Is.EqualTo("error: --rank 28 exceeds the network's 27 parameters (--width 1)."));
    }

    [Test]
    public void ARankBeyondTheParametersOfANetworkWithoutBiasesIsRefusedAtPlanning()
    {
        // Without biases the MLP 16-1-1-4 has 16·1 + 1·1 + 1·4 = 21 parameters; the count once included the biases anyway,
        // so a rank of 22 to 27 passed planning and failed in the eigensolver (found in mutation round 17B's review).
        using var temp = new Catapults.ML.Tests.Data.Fixtures.TempDirectory();
        var accepted = StudyCli.Run("plan", "dominant-subspace", "--quick", "--no-bias", "--width", "1", "--rank", "21", "--out", temp.Combine("fits"));
        Assert.That(accepted.ExitCode, Is.EqualTo(0), accepted.Out + accepted.Error);
        string line = CliAssert.OneLineError(StudyCli.Run("plan", "dominant-subspace", "--quick", "--no-bias", "--width", "1", "--rank", "22", "--out", temp.Combine("too-many")));
        Assert.That(line, Is.EqualTo("error: --rank 22 exceeds the network's 21 parameters (--width 1)."));
    }

    // Found by mutation testing (round 27C): the count was free to use the synthetic input dimension for an image dataset.
    [Test]
    public void ARankBeyondTheParametersOfANetworkOnImagesCountsEveryPixel()
    {
        // SVHN's 3 × 32 × 32 = 3072 inputs: at width 1 the MLP 3072-1-1-4 with biases has 3073·1 + 2·1 + 2·4 = 3083 parameters.
        using var temp = new Catapults.ML.Tests.Data.Fixtures.TempDirectory();
        string root = temp.Combine("data");
        Catapults.ML.Tests.Data.Fixtures.DatasetFixtures.WriteSvhn(Path.Combine(root, Catapults.ML.Data.Images.SvhnReader.FolderName, "train_32x32.mat"), 40, compressed: false);
        string line = CliAssert.OneLineError(StudyCli.Run("plan", "dominant-subspace", "--quick", "--dataset", "svhn", "--samples", "4", "--data-root", root,
            "--width", "1", "--rank", "3084", "--out", temp.Combine("too-many")));
        Assert.That(line, Is.EqualTo("error: --rank 3084 exceeds the network's 3083 parameters (--width 1)."));
    }
}
