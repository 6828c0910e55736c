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
    /// The gradient an optimiser steps with: negated to maximise (SGD puts the sign in its step instead), plus
    /// <paramref name="decay"/>·w for L2 weight decay; null for a parameter without a gradient.
    /// </summary>
    private static Tensor? Gradient(Parameter parameter, bool maximize, double decay, Scalar decayScalar)
    {
        var grad = parameter.grad;
        if (grad is null) return null;
        if (maximize) grad = grad.neg();
        return decay != 0 ? grad.add(parameter, decayScalar) : grad;
    }

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
                if (Gradient(parameter, maximize: false, decay, decayScalar) is not { } grad) continue;
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

    /// <summary>
    /// TorchSharp's Adam (without AMSGrad), each <see cref="Scalar"/> held in a <c>using</c> until the parameters are
    /// written. Same state, options and state dictionary as <see cref="TorchSharp.Modules.Adam"/>, and the same libtorch
    /// operations in the same order, so the same weights to the bit.
    /// </summary>
    /// <remarks>Named Adam for the state dictionary's type check (see <see cref="SGD"/>).</remarks>
    internal sealed class Adam(IEnumerable<Parameter> parameters, double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
        : TorchSharp.Modules.Adam(parameters, learningRate, beta1, beta2, epsilon, weightDecay)
    {
        /// <inheritdoc />
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var options = group.Options;
            double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, decay = options.weight_decay!.Value;
            double rate = options.LearningRate!.Value;
            if (options.amsgrad!.Value) throw new NotSupportedException("AMSGrad is not offered by this optimiser.");
            bool maximize = options.maximize!.Value;
            using var beta1Scalar = beta1.ToScalar();
            using var beta2Scalar = beta2.ToScalar();
            using var kept1 = (1 - beta1).ToScalar();
            using var kept2 = (1 - beta2).ToScalar();
            using var decayScalar = decay.ToScalar();
            using var epsilonScalar = options.eps!.Value.ToScalar();
            using var one = 1.0.ToScalar(); // add_(Scalar) would pass a temporary 1 as its scale
            foreach (var parameter in group.Parameters)
            {
                if (Gradient(parameter, maximize, decay, decayScalar) is not { } grad) continue;
                var state = (State)_state[parameter.Handle];
                state.step += 1;
                double correction1 = 1 - Math.Pow(beta1, state.step);
                double correction2 = 1 - Math.Pow(beta2, state.step);
                state.exp_avg.mul_(beta1Scalar).add_(grad, kept1);
                state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad, kept2);
                using var root = Math.Sqrt(correction2).ToScalar();
                using var step = (-(rate / correction1)).ToScalar();
                var denominator = state.exp_avg_sq.sqrt().div_(root).add_(epsilonScalar, one);
                parameter.addcdiv_(state.exp_avg, denominator, step);
            }
        }, closure);
    }

    /// <summary>
    /// TorchSharp's RMSprop (not centred, without momentum), each <see cref="Scalar"/> held in a <c>using</c> until the
    /// parameters are written. Same state, options and state dictionary as <see cref="TorchSharp.Modules.RMSProp"/>, and
    /// the same libtorch operations in the same order, so the same weights to the bit.
    /// </summary>
    /// <remarks>Named RMSProp for the state dictionary's type check (see <see cref="SGD"/>).</remarks>
    internal sealed class RMSProp(IEnumerable<Parameter> parameters, double learningRate, double alpha, double epsilon, double weightDecay)
        : TorchSharp.Modules.RMSProp(parameters, learningRate, alpha, epsilon, weightDecay)
    {
        /// <inheritdoc />
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var options = group.Options;
            if (options.centered!.Value || options.momentum!.Value > 0)
                throw new NotSupportedException("Centred RMSprop and RMSprop with momentum are not offered by this optimiser.");
            double alpha = options.alpha!.Value, decay = options.weight_decay!.Value;
            bool maximize = options.maximize!.Value;
            using var alphaScalar = alpha.ToScalar();
            using var kept = (1 - alpha).ToScalar();
            using var decayScalar = decay.ToScalar();
            using var epsilonScalar = options.eps!.Value.ToScalar();
            using var step = (-options.LearningRate!.Value).ToScalar();
            using var one = 1.0.ToScalar(); // add_(Scalar) would pass a temporary 1 as its scale
            foreach (var parameter in group.Parameters)
            {
                if (Gradient(parameter, maximize, decay, decayScalar) is not { } grad) continue;
                var state = (State)_state[parameter.Handle];
                state.step += 1;
                state.square_avg.mul_(alphaScalar).addcmul_(grad, grad, kept);
                var denominator = state.square_avg.sqrt().add_(epsilonScalar, one);
                parameter.addcdiv_(grad, denominator, step);
            }
        }, closure);
    }

    /// <summary>
    /// TorchSharp's Adagrad, each <see cref="Scalar"/> held in a <c>using</c> until the parameters are written. Same state,
    /// options and state dictionary as <see cref="TorchSharp.Modules.Adagrad"/>, and the same libtorch operations in the
    /// same order, so the same weights to the bit.
    /// </summary>
    /// <remarks>Named Adagrad for the state dictionary's type check (see <see cref="SGD"/>).</remarks>
    internal sealed class Adagrad(IEnumerable<Parameter> parameters, double learningRate, double epsilon, double weightDecay)
        : TorchSharp.Modules.Adagrad(parameters, learningRate, weight_decay: weightDecay, eps: epsilon)
    {
        /// <inheritdoc />
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var options = group.Options;
            double rate = options.LearningRate!.Value, rateDecay = options.lr_decay!.Value, decay = options.weight_decay!.Value;
            using var one = 1.0.ToScalar();
            using var decayScalar = decay.ToScalar();
            using var epsilonScalar = options.eps!.Value.ToScalar();
            foreach (var parameter in group.Parameters)
            {
                if (Gradient(parameter, maximize: false, decay, decayScalar) is not { } grad) continue;
                var state = (State)_state[parameter.Handle];
                state.step += 1;
                using var step = (-(rate / (1 + (state.step - 1) * rateDecay))).ToScalar();
                state.sum.addcmul_(grad, grad, one);
                var denominator = state.sum.sqrt().add_(epsilonScalar, one);
                parameter.addcdiv_(grad, denominator, step);
            }
        }, closure);
    }
}
