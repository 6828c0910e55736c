using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// What the operators take from their callers: a dense operator refuses a matrix with NaN, and the NTK operator chooses
/// its block size without writing it into the caller's Lanczos options. Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class OperatorInputContractTests
{
    [Test]
    public void DenseOperatorRefusesANaNMatrix()
    {
        using var m = torch.tensor(new double[] { 1, double.NaN, double.NaN, 1 }).reshape(2, 2);
        Assert.Throws<ArgumentException>(() => new DenseSymmetricOperator(m).Dispose());
    }

    [Test]
    public void CallersLanczosOptionsKeepTheirBlockSize()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(3, 5, seed: 1, bias: true, act: ActivationKind.Tanh, outputs: 2);
        var x = Inputs(6, 3, seed: 2);
        var options = new LanczosOptions();
        using var op = NeuralTangentKernel.CreateOperator(net, x, new NtkOptions { Method = NtkMethod.MatrixFree });
        using var result = op.TopEigenpairs(2, options);
        Assert.That(options.BlockSize, Is.Null, "the caller's options must not be modified");
    }
}
