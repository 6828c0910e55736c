using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Models;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// The cross-entropy critical rate through the matrix-free NTK, at far-from-uniform softmax probabilities, against
/// η = 2b / λ_max(M K) with K = J Jᵀ from an autograd Jacobian built row by row and Mᵢ = diag(pᵢ) − pᵢpᵢᵀ. Found by
/// mutation testing (6 Dec 2026): L K L in place of Lᵀ K L passed every test, which used a dense kernel.
/// </summary>
public sealed class CrossEntropyCriticalRateTests
{
    [Test]
    public void MatrixFreeCrossEntropyRateIsTwoBOverTopEigenvalueOfMK()
    {
        const int b = 5, d = 3, o = 3;
        using var scope = torch.NewDisposeScope();
        using var net = Catapults.ML.Tests.Support.Nets.Linear(d, bias: true, outputs: o, seed: 2);
        net.to(ScalarType.Float64);
        var x = (Inputs(b, d, seed: 8) * 4.0).to(ScalarType.Float64);
        double expected = IndependentRate(net, x, b, o);
        var result = CriticalLearningRate.Compute(net, x, LossKind.CrossEntropy,
            new CriticalLearningRateOptions { Ntk = new NtkOptions { Method = NtkMethod.MatrixFree } });
        Assert.That(result.Value, Is.EqualTo(expected).Within(1e-6 * expected));
    }

    // The same batch through the default layer-wise kernel: the softmax-weighted kernel of 15 rows has a dense form, so
    // it is diagonalised directly (no product, no Ritz estimate, so no relative residual), as the options promise for
    // kernels up to 256 rows (mutation round 23A: an iterative solve gave nearly the same rate and passed every test).
    [Test]
    public void ACrossEntropyRateOfAFormedKernelIsSolvedDirectly()
    {
        const int b = 5, d = 3, o = 3;
        using var scope = torch.NewDisposeScope();
        using var net = Catapults.ML.Tests.Support.Nets.Linear(d, bias: true, outputs: o, seed: 2);
        net.to(ScalarType.Float64);
        var x = (Inputs(b, d, seed: 8) * 4.0).to(ScalarType.Float64);
        using var eig = CriticalLearningRate.ComputeWithVector(net, x, LossKind.CrossEntropy, null, null, out var result);
        Assert.That(result.Method, Is.EqualTo(NtkMethod.LayerWise));
        Assert.That(eig.SolvedDirectly, Is.True);
        Assert.That(eig.OperatorApplications, Is.Zero);
        Assert.That(result.RelativeResidual, Is.Null);
        double expected = IndependentRate(net, x, b, o);
        Assert.That(result.Value, Is.EqualTo(expected).Within(1e-9 * expected));
    }

    /// <summary>2b / λ_max(M K), with K = J Jᵀ from the autograd Jacobian row by row and Mᵢ = diag(pᵢ) − pᵢpᵢᵀ.</summary>
    private static double IndependentRate(NetworkModule net, Tensor x, int b, int o)
    {
        var j = torch.cat(Enumerable.Range(0, b).Select(i => ArchitectureTestKit.JacobianRows(net, x, i)).ToArray());
        var k = j.mm(j.t());
        Tensor p;
        using (torch.no_grad()) p = nn.functional.softmax(net.forward(x), 1);
        var m = torch.zeros(b * o, b * o, ScalarType.Float64);
        for (int i = 0; i < b; i++)
            m.narrow(0, i * o, o).narrow(1, i * o, o).copy_(torch.diag(p[i]) - p[i].unsqueeze(1) * p[i].unsqueeze(0));
        double lambda = torch.linalg.eigvals(m.mm(k)).real.max().ToDouble();
        return 2.0 * b / lambda;
    }
}
