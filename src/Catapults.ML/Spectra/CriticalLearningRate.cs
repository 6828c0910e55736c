using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;

namespace Catapults.ML.Spectra;

/// <summary>
/// The critical learning rate of a batch, derived from the engine's loss normalisation (<see cref="LossKind"/>).
/// </summary>
/// <remarks>
/// <para>
/// MSE, L = 1/b Σᵢ ‖f(xᵢ) − yᵢ‖²: ∇L = (2/b) Jᵀ r, so one GD step on the linearised model moves the residual by
/// r ← (I − (2η/b) K_b) r. Every mode is stable while |1 − 2ηλ/b| &lt; 1, so η_crit = b / λ_max(K_b). Equivalently
/// η_crit = 2 / λ_max(H) for the Gauss–Newton Hessian H = (2/b) Jᵀ J.
/// </para>
/// <para>
/// Cross-entropy, L = −1/b Σᵢ log softmax(f(xᵢ))_{yᵢ}: the loss's Hessian in the outputs is (1/b)·diag(Mᵢ) with
/// Mᵢ = diag(pᵢ) − pᵢpᵢᵀ at the current probabilities pᵢ, so the Gauss–Newton Hessian is (1/b) Jᵀ M J and
/// η_crit = 2 / λ_max of it = 2b / λ_max(Lᵀ K_b L), where Mᵢ = LᵢLᵢᵀ with Lᵢ = diag(√pᵢ) − pᵢ√pᵢᵀ (the
/// nonzero spectra of Jᵀ M J, M K and Lᵀ K L coincide). Unlike MSE this threshold is local: it moves with pᵢ.
/// </para>
/// </remarks>
public static class CriticalLearningRate
{
    /// <summary>η_crit = b / λ_max(K_b) for the MSE normalisation of <see cref="LossKind.MeanSquaredError"/>.</summary>
    public static double FromKernelEigenvalue(double lambdaMax, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (!(lambdaMax > 0) || double.IsPositiveInfinity(lambdaMax)) throw new ArgumentOutOfRangeException(nameof(lambdaMax), lambdaMax, "λ_max(K) must be finite and positive.");
        return batchSize / lambdaMax;
    }

    /// <summary>
    /// η_crit of the batch <paramref name="inputs"/> ([b, ...]) at the model's current weights, for
    /// <paramref name="loss"/>. <paramref name="warmStart"/> (the previous top eigenvector on the same samples) speeds
    /// up a repeated full-batch computation.
    /// </summary>
    public static CriticalLearningRateResult Compute(NetworkModule model, Tensor inputs, LossKind loss = LossKind.MeanSquaredError,
        CriticalLearningRateOptions? options = null, Tensor? warmStart = null)
    {
        using var eig = Solve(model, inputs, loss, options, warmStart, vectors: false, out var result);
        return result;
    }

    /// <summary>As <see cref="Compute"/>, also returning the top eigenpair (for the next warm start); dispose it.</summary>
    public static EigenpairResult ComputeWithVector(NetworkModule model, Tensor inputs, LossKind loss,
        CriticalLearningRateOptions? options, Tensor? warmStart, out CriticalLearningRateResult result) =>
        Solve(model, inputs, loss, options, warmStart, vectors: true, out result);

    private static EigenpairResult Solve(NetworkModule model, Tensor inputs, LossKind loss,
        CriticalLearningRateOptions? options, Tensor? warmStart, bool vectors, out CriticalLearningRateResult result)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        TorchRuntime.EnsureLoaded();
        var o = options ?? new CriticalLearningRateOptions();
        var lanczos = (o.Lanczos ?? new LanczosOptions()).Clone();
        lanczos.Which = SpectrumEnd.LargestAlgebraic;
        lanczos.ComputeVectors = vectors && lanczos.ComputeVectors;
        if (inputs.dim() < 2 || inputs.shape[0] < 1)
            throw new ArgumentException($"Inputs must be a batch [b, ...] with b ≥ 1, got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        int b = (int)inputs.shape[0];

        using var scope = torch.NewDisposeScope();
        using var kernel = NeuralTangentKernel.CreateOperator(model, inputs, o.Ntk, eigenpairs: 1);
        EigenpairResult eig;
        double value;
        switch (loss)
        {
            case LossKind.MeanSquaredError:
                eig = LanczosEigensolver.Solve(kernel, 1, lanczos, warmStart);
                value = eig.Values[0] > 0 ? b / eig.Values[0] : double.PositiveInfinity;
                break;
            case LossKind.CrossEntropy:
            {
                Tensor factors;
                using (new EvaluationModeScope(model, recordGradients: true))
                using (torch.no_grad())
                    factors = SoftmaxHessianFactors(model.forward(inputs.to(kernel.Device)));
                using var weighted = new SoftmaxWeightedKernel(kernel, factors);
                eig = LanczosEigensolver.Solve(weighted, 1, lanczos, warmStart);
                value = eig.Values[0] > 0 ? 2.0 * b / eig.Values[0] : double.PositiveInfinity;
                break;
            }
            default:
                throw new NotSupportedException($"No critical learning rate is derived for the loss {loss}.");
        }
        // The iteration's Ritz estimate is the residual on its orthonormal basis; a direct solve has none unless asked.
        var residual = eig.Residuals ?? (eig.SolvedDirectly ? null : eig.ResidualEstimates);
        double? relative = residual is { Length: > 0 } && eig.Values[0] != 0 ? residual[0] / Math.Abs(eig.Values[0]) : null;
        result = new CriticalLearningRateResult(value, eig.Values[0], b, loss, kernel.Method, eig.Converged, relative);
        return eig;
    }

    /// <summary>
    /// Lᵢ = diag(√pᵢ) − pᵢ√pᵢᵀ for each sample, [b, O, O], so that LᵢLᵢᵀ = diag(pᵢ) − pᵢpᵢᵀ, the softmax cross-entropy
    /// Hessian in the logits.
    /// </summary>
    internal static Tensor SoftmaxHessianFactors(Tensor logits)
    {
        using var scope = torch.NewDisposeScope();
        var p = nn.functional.softmax(logits.to(ScalarType.Float64), 1);
        var root = p.sqrt();
        var factors = torch.diag_embed(root) - p.unsqueeze(2) * root.unsqueeze(1);
        return factors.MoveToOuterDisposeScope();
    }

    /// <summary>S = Lᵀ K L with block-diagonal L (one O×O block per sample): symmetric, with the spectrum of M K.</summary>
    private sealed class SoftmaxWeightedKernel : LinearOperator, IDisposable
    {
        private readonly LinearOperator _kernel;
        private readonly Tensor _factors; // [b, O, O], float64
        private readonly long _samples;
        private readonly long _outputs;

        public SoftmaxWeightedKernel(LinearOperator kernel, Tensor factors)
            : base(kernel.Dimension, kernel.Dimension, kernel.Device, ScalarType.Float64)
        {
            _kernel = kernel;
            _factors = factors.DetachFromDisposeScope();
            _samples = factors.shape[0];
            _outputs = factors.shape[1];
        }

        public override bool IsSelfAdjoint => true;

        public override bool HasDenseForm => _kernel.HasDenseForm;

        protected override Tensor MatMat(Tensor block)
        {
            using var scope = torch.NewDisposeScope();
            long k = block.shape[1];
            var v = block.view(_samples, _outputs, k);
            var lv = torch.einsum("icd,idk->ick", _factors, v).reshape(_samples * _outputs, k);
            var klv = _kernel.Apply(lv).view(_samples, _outputs, k);
            return torch.einsum("idc,idk->ick", _factors, klv).reshape(_samples * _outputs, k).MoveToOuterDisposeScope();
        }

        public override Tensor ToDense()
        {
            if (!_kernel.HasDenseForm) return base.ToDense();
            using var scope = torch.NewDisposeScope();
            var k = _kernel.ToDense().to(ScalarType.Float64).view(_samples, _outputs, _samples, _outputs);
            var s = torch.einsum("ica,icjd,jdb->iajb", _factors, k, _factors).reshape(Dimension, Dimension);
            return s.MoveToOuterDisposeScope();
        }

        public void Dispose() => _factors.Dispose();
    }
}
