using Catapults.ML.Spectra;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// The chunk sizes, subset size and memory budget of the curvature operators are refused by name at 0 (the first value
/// past "at least 1") and accepted at 1, and an owner's options pass on the refusal of the eigensolver options they
/// hold. Found by mutation testing (round 10B).
/// </summary>
public sealed class CurvatureOptionBoundaryTests
{
    [Test]
    public void HessianChunkAndSubsetSizesStartAtOne()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new HessianOptions { ChunkSize = 0 }.Validate())!.ParamName, Is.EqualTo("ChunkSize"));
        Assert.That(Assert.Throws<ArgumentException>(() => new HessianOptions { SubsetSize = 0 }.Validate())!.ParamName, Is.EqualTo("SubsetSize"));
        Assert.DoesNotThrow(() => new HessianOptions { ChunkSize = 1, SubsetSize = 1 }.Validate());
    }

    [Test]
    public void NtkChunkSizeAndMemoryBudgetStartAtOne()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new NtkOptions { ChunkSize = 0 }.Validate())!.ParamName, Is.EqualTo("ChunkSize"));
        Assert.That(Assert.Throws<ArgumentException>(() => new NtkOptions { MemoryBudgetBytes = 0 }.Validate())!.ParamName, Is.EqualTo("MemoryBudgetBytes"));
        Assert.DoesNotThrow(() => new NtkOptions { ChunkSize = 1, MemoryBudgetBytes = 1 }.Validate());
    }

    // The Jacobian operator takes its chunk size as an argument, not through NtkOptions, and refuses 0 itself
    // (mutation round 13A).
    [Test]
    public void AJacobianOperatorsChunkSizeStartsAtOne()
    {
        using var scope = torch.NewDisposeScope();
        using var net = StandardLinear(3, seed: 2);
        var x = Inputs(4, 3, seed: 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new JacobianOperator(net, x, chunkSize: 0).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("chunkSize"));
        using var single = new JacobianOperator(net, x, chunkSize: 1);
        Assert.That(single.ChunkSize, Is.EqualTo(1));
    }

    // A Jacobian of no samples has no rows: refused by name with the inputs' shape, not by the operator base's size
    // check, which names an internal parameter (mutation round 23A). One sample is enough.
    [Test]
    public void AJacobianOperatorNeedsAtLeastOneSample()
    {
        using var scope = torch.NewDisposeScope();
        using var net = StandardLinear(3, seed: 2);
        var ex = Assert.Throws<ArgumentException>(() => new JacobianOperator(net, torch.zeros(0, 3)).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("inputs"));
        Assert.That(ex.Message, Does.StartWith("Inputs must be a batch [n, ...] with n ≥ 1, got [0, 3]."));
        using var one = new JacobianOperator(net, Inputs(1, 3, seed: 3));
        Assert.That((one.OutputSize, one.InputSize), Is.EqualTo((1L, 4L)));
    }

    // Cost estimates need a sample and an eigenpair to cost; one of each is enough (mutation round 13A).
    [Test]
    public void NtkCostEstimatesStartAtOneSampleAndOneEigenpair()
    {
        using var net = StandardLinear(3, seed: 4);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => NeuralTangentKernel.EstimateCosts(net, 0));
        Assert.That(ex!.ParamName, Is.EqualTo("sampleCount"));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => NeuralTangentKernel.EstimateCosts(net, 4, eigenpairs: 0));
        Assert.That(ex!.ParamName, Is.EqualTo("eigenpairs"));
        Assert.That(NeuralTangentKernel.EstimateCosts(net, 1, eigenpairs: 1).Select(c => c.Method),
            Is.EquivalentTo(new[] { NtkMethod.ExplicitJacobian, NtkMethod.MatrixFree, NtkMethod.LayerWise }));
    }

    [Test]
    public void CriticalRateOptionsRefuseTheirEigensolversBadOption()
    {
        var options = new CriticalLearningRateOptions { Lanczos = new LanczosOptions { Tolerance = 0 } };
        Assert.That(Assert.Throws<ArgumentException>(options.Validate)!.ParamName, Is.EqualTo("Tolerance"));
        options = new CriticalLearningRateOptions { Ntk = new NtkOptions { ChunkSize = 0 } };
        Assert.That(Assert.Throws<ArgumentException>(options.Validate)!.ParamName, Is.EqualTo("ChunkSize"));
    }

    [Test]
    public void AChunkLargerThanTheDataIsOneChunkOfAllSamples()
    {
        using var scope = torch.NewDisposeScope();
        using var net = StandardLinear(3, seed: 1);
        using var data = RandomRegression(5, 3, seed: 2);
        using var op = new HessianOperator(net, data, LossKind.MeanSquaredError, new HessianOptions { ChunkSize = 100 });
        Assert.That(op.ChunkSize, Is.EqualTo(5));
    }

    [Test]
    public void TheCriticalRateUsesTheLargestKernelEigenvalueWhateverEndTheCallerAsked()
    {
        // The standard linear model's NTK is XXᵀ + 11ᵀ at any weights, so η_crit = b / λ_max(XXᵀ + 11ᵀ).
        using var scope = torch.NewDisposeScope();
        using var net = StandardLinear(3, seed: 3);
        var x = Inputs(6, 3, seed: 4);
        var (values, _) = EighDescending(LinearKernel(x));
        var options = new CriticalLearningRateOptions { Lanczos = new LanczosOptions { Which = SpectrumEnd.SmallestAlgebraic } };
        var result = CriticalLearningRate.Compute(net, x, LossKind.MeanSquaredError, options);
        Assert.That(result.Sharpness, Is.EqualTo(values[0]).Within(1e-4 * values[0]));
        Assert.That(result.Value, Is.EqualTo(6 / values[0]).Within(1e-4 * 6 / values[0]));
        Assert.That(options.Lanczos.Which, Is.EqualTo(SpectrumEnd.SmallestAlgebraic), "the caller's options are not modified");
    }
}
