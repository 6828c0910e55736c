using Catapults.ML.Models;
using Catapults.ML.Runtime;

namespace Catapults.ML.Spectra;

/// <summary>
/// The explicit Jacobian J [n·O, P] of any <see cref="NetworkModule"/> (one forward per sample and one backward
/// per output), and the kernel J Jᵀ formed from it. Exact, general, and memory-hungry (n·O·P numbers): for small
/// problems and as the reference the faster paths are checked against.
/// </summary>
public static class ExplicitJacobian
{
    /// <summary>J with rows in sample-major order (row i·O + c is ∇_w f_c(xᵢ)), in the model's dtype and device.</summary>
    public static Tensor Compute(NetworkModule model, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        TorchRuntime.EnsureLoaded();
        var parameters = ParameterVector.ParametersOf(model).Cast<Tensor>().ToArray();
        if (inputs.dim() < 2 || inputs.shape[0] < 1)
            throw new ArgumentException($"Inputs must be a batch [n, ...] with n ≥ 1, got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        long n = inputs.shape[0];
        long p = parameters.Sum(t => t.numel());
        int o = model.OutputCount;
        using var scope = torch.NewDisposeScope();
        var jacobian = torch.empty(new[] { n * o, p }, parameters[0].dtype, parameters[0].device);
        var x = inputs.to(parameters[0].device);
        using (new EvaluationModeScope(model, recordGradients: true))
        {
            for (long i = 0; i < n; i++)
            {
                using var sampleScope = torch.NewDisposeScope();
                var f = model.forward(x.narrow(0, i, 1));
                if (f.dim() != 2 || f.shape[0] != 1 || f.shape[1] != o)
                    throw new InvalidOperationException($"{model.GetType().Name} returned [{string.Join(", ", f.shape)}] for one input; expected [1, {o}].");
                if (!f.requires_grad)
                    throw new InvalidOperationException($"The outputs of {model.GetType().Name} do not depend on any trainable parameter.");
                for (int c = 0; c < o; c++)
                {
                    var grads = torch.autograd.grad(new[] { f[0, c] }, parameters, retain_graph: c + 1 < o, allow_unused: true);
                    long offset = 0;
                    var row = jacobian[i * o + c];
                    for (int k = 0; k < parameters.Length; k++)
                    {
                        long count = parameters[k].numel();
                        var target = row.narrow(0, offset, count);
                        if (grads[k] is null || grads[k].IsInvalid) target.zero_();
                        else target.copy_(grads[k].reshape(-1));
                        offset += count;
                    }
                }
            }
        }
        return jacobian.MoveToOuterDisposeScope();
    }

    /// <summary>The NTK K = J Jᵀ [n·O, n·O] from the explicit Jacobian.</summary>
    public static Tensor Kernel(NetworkModule model, Tensor inputs)
    {
        using var scope = torch.NewDisposeScope();
        var j = Compute(model, inputs);
        var k = torch.mm(j, j.t());
        return KeptScalars.HalfSum(k, k.t()).MoveToOuterDisposeScope();
    }
}
