using Catapults.ML.Runtime;
using Catapults.ML.Data;
using Catapults.ML.Models;

namespace Catapults.ML.Features;

/// <summary>
/// The average gradient outer product of a predictor with respect to its (flattened) inputs,
/// G = 1/n Σᵢ Σ_c ∇ₓf_c(xᵢ) ∇ₓf_c(xᵢ)ᵀ ∈ R^{d×d} (README, Conventions), or one G_c per output.
/// </summary>
/// <remarks>
/// <para>
/// The data are streamed in batches of <see cref="AgopOptions.BatchSize"/>. Because each output row of a
/// <see cref="NetworkModule"/> depends on its own input row only, one backward pass of the column sum Σᵢ f_c(xᵢ)
/// gives every per-sample gradient ∇ₓf_c(xᵢ) of the batch at once: a batch costs one forward and O backward passes,
/// and the largest temporary is one [batch, d] gradient. Nothing of size n × d × d or n × O × d is ever formed.
/// </para>
/// <para>
/// Outer products are summed in the gradient's precision (float32 for the engine's models), one matrix product per
/// output and batch, and flushed to a float64 running sum every few thousand gradient rows, so the error does not grow
/// with n. Centring uses a
/// shifted sum (the first batch's mean gradient is subtracted before squaring), which avoids the cancellation of
/// 1/n Σ ggᵀ − ḡḡᵀ when the gradients vary little around a large mean.
/// </para>
/// <para>
/// Models are evaluated in eval mode (and their mode restored afterwards), so layers that mix the samples of a batch in
/// training mode, such as batch normalisation, use their running statistics instead. Parameter gradients are neither
/// computed nor touched, so an AGOP can be taken in the middle of training.
/// </para>
/// <para>
/// Results are float64 tensors [d, d] (or [O, d, d] with <see cref="AgopOptions.PerOutput"/>) on the model's device
/// (the inputs are moved there), or on the device of the inputs for a function or a model without parameters; they join
/// the caller's dispose scope.
/// </para>
/// </remarks>
public static class Agop
{
    /// <summary>
    /// Gradient rows (samples × outputs) whose outer products are summed in float32 before they are added to the
    /// float64 total: a float32 partial sum of this many rank-one terms keeps a relative error near 1e-6.
    /// </summary>
    private const long FlushRows = 4096;

    // A centred AGOP whose trace is at most (ResolutionUnits · ε)² of the raw second moment, ε the gradients' machine
    // epsilon, holds no variance the gradients could resolve: it is taken as zero. A function with a constant input
    // gradient (a linear model) otherwise leaves rounding noise of about ε², which a trace normalisation would scale up to
    // a matrix of trace 1. A few units allow for the rounding of each operation of the backward pass.
    private const double ResolutionUnits = 32;

    /// <summary>The AGOP of <paramref name="model"/> over the features of <paramref name="data"/> (targets are not used).</summary>
    public static Tensor Compute(NetworkModule model, TensorDataset data, AgopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Compute(model, data.Features, options, data.Name);
    }

    /// <summary>
    /// The AGOP of <paramref name="model"/> over <paramref name="features"/>, given as [n, d] or [n, ...InputShape]
    /// (e.g. [n, 3, 32, 32] for an image model; the AGOP is then over the d = 3072 flattened pixels).
    /// </summary>
    public static Tensor Compute(NetworkModule model, Tensor features, AgopOptions? options = null) =>
        Compute(model, features, options, "the features");

    /// <summary>
    /// The AGOP of a differentiable target function (e.g. a <see cref="SyntheticTask"/>) over <paramref name="features"/>
    /// [n, d], by autograd. This is the reference AGOP G* of a known predictor.
    /// </summary>
    public static Tensor Compute(ITargetFunction target, Tensor features, AgopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Compute(target.Evaluate, target.InputDimension, target.OutputCount, features, options);
    }

    /// <summary>
    /// The AGOP of any differentiable batch function f: [b, d] → [b, O] whose output row i depends on input row i only.
    /// </summary>
    /// <param name="function">Called with a flat batch [b, d] that requires gradients; must return [b, O].</param>
    /// <param name="inputDimension">d.</param>
    /// <param name="outputCount">O.</param>
    /// <param name="features">[n, d] or [n, ...] with d features per row.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public static Tensor Compute(Func<Tensor, Tensor> function, long inputDimension, int outputCount, Tensor features, AgopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (inputDimension < 1) throw new ArgumentOutOfRangeException(nameof(inputDimension), inputDimension, "The input dimension must be at least 1.");
        if (outputCount < 1) throw new ArgumentOutOfRangeException(nameof(outputCount), outputCount, "The output count must be at least 1.");
        CheckFeatures(features, inputDimension, "the features", "the function");
        return Accumulate(function, inputDimension, outputCount, features, features.device, features.dtype, Checked(options));
    }

    private static Tensor Compute(NetworkModule model, Tensor features, AgopOptions? options, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        var opts = Checked(options);
        CheckFeatures(features, model.InputDimension, source, $"{model.GetType().Name} ({model.Describe()})");
        var parameter = model.parameters().FirstOrDefault();
        var device = parameter?.device ?? features.device;
        var dtype = parameter?.dtype ?? features.dtype;
        using var mode = new EvaluationModeScope(model);
        return Accumulate(model.forward, model.InputDimension, model.OutputCount, features, device, dtype, opts);
    }

    private static AgopOptions Checked(AgopOptions? options)
    {
        var opts = options ?? new AgopOptions();
        opts.Validate();
        return opts;
    }

    private static void CheckFeatures(Tensor features, long inputDimension, string source, string consumer)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() < 2)
            throw new ArgumentException($"The AGOP needs a batch of inputs [n, ...]; {source} have shape [{string.Join(", ", features.shape)}].", nameof(features));
        if (!features.is_floating_point())
            throw new ArgumentException($"The AGOP needs floating-point inputs; {source} are {features.dtype}.", nameof(features));
        if (features.shape[0] < 1)
            throw new ArgumentException($"The AGOP needs at least one sample; {source} have none.", nameof(features));
        long d = features.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        if (d != inputDimension)
            throw new ArgumentException(
                $"{consumer} expects {inputDimension} input features per sample but {source} have {d} (shape [{string.Join(", ", features.shape)}]).",
                nameof(features));
    }

    private static Tensor Accumulate(Func<Tensor, Tensor> function, long d, int outputs, Tensor features,
        Device device, ScalarType dtype, AgopOptions options)
    {
        long n = features.shape[0];
        // The d × d sums are refused before they are allocated: libtorch's allocator fails with a raw message, or
        // succeeds and takes the machine's memory.
        double matrices = options.PerOutput ? outputs * 8.0 : 8.0 + (dtype == ScalarType.Float64 ? 8 : 4);
        if (MemoryBudget.Shortfall(matrices * d * d, $"The AGOP of {d:N0} input features (its {d:N0} × {d:N0} matrix{(options.PerOutput ? $" per output, {outputs}" : "")})") is { } shortfall)
            throw new ArgumentException(shortfall, nameof(features));
        using var scope = torch.NewDisposeScope();
        using var gradEnabled = torch.enable_grad();
        var accumulator = options.PerOutput
            ? torch.zeros(new long[] { outputs, d, d }, ScalarType.Float64, device)
            : torch.zeros(new long[] { d, d }, ScalarType.Float64, device);
        // Centring only: shifts[c] is the first batch's mean gradient of output c; shiftedSums[c] = Σᵢ (gᵢ − shifts[c]).
        Tensor? shifts = options.Center ? torch.zeros(new long[] { outputs, d }, dtype, device) : null;
        Tensor? shiftedSums = options.Center ? torch.zeros(new long[] { outputs, d }, ScalarType.Float64, device) : null;
        // Summed outputs: outer products are summed in the gradient's precision here and flushed to the float64
        // accumulator every FlushRows gradient rows, so small batches do not pay a d × d float64 pass each.
        Tensor? partialSum = options.PerOutput ? null : torch.empty(new long[] { d, d }, dtype, device);
        long pendingRows = 0;

        for (long start = 0; start < n; start += options.BatchSize)
        {
            long count = Math.Min(options.BatchSize, n - start);
            using var batchScope = torch.NewDisposeScope();
            var x = features.narrow(0, start, count).reshape(count, d).to(dtype, device).detach();
            var finiteRows = x.isfinite().all(1);
            if (!finiteRows.all().ReadBoolean())
            {
                long row = start + finiteRows.logical_not().nonzero()[0, 0].ReadInt64();
                throw new ArgumentException($"Row {row} of the inputs has a NaN or infinite feature; the AGOP needs finite inputs.", nameof(features));
            }
            x.requires_grad_(true);
            var output = function(x);
            if (output.dim() != 2 || output.shape[0] != count || output.shape[1] != outputs)
                throw new InvalidOperationException(
                    $"The predictor returned shape [{string.Join(", ", output.shape)}] for a batch of {count}; expected [{count}, {outputs}].");
            // Calling the native grad on an output outside the graph aborts the process; refuse it here instead.
            if (!output.requires_grad)
                throw new InvalidOperationException(
                    "The predictor's output does not depend differentiably on its input (it does not require grad), so its input gradients are undefined. " +
                    "Build the output from differentiable torch operations on the input, without detach() or no_grad().");

            for (int c = 0; c < outputs; c++)
            {
                // Row i of the output depends on row i of x only, so the gradient of the column sum has
                // ∇ₓf_c(xᵢ) as its row i.
                var selector = torch.zeros_like(output);
                KeptScalars.FillInPlace(selector.select(1, c), 1);
                var gradient = torch.autograd.grad(new[] { output }, new[] { x }, new[] { selector }, retain_graph: c + 1 < outputs)[0];
                if (shifts is not null)
                {
                    if (start == 0) shifts[c].copy_(gradient.mean(new long[] { 0 }));
                    gradient = gradient - shifts[c];
                    KeptScalars.AddInPlace(shiftedSums![c], gradient.sum(0L).to_type(ScalarType.Float64));
                }
                if (partialSum is null)
                {
                    KeptScalars.AddInPlace(accumulator[c], torch.mm(gradient.t(), gradient));
                }
                else
                {
                    // beta = 0 overwrites (and ignores whatever the buffer held) on the first product after a flush.
                    partialSum.addmm_(gradient.t(), gradient, beta: pendingRows == 0 ? 0f : 1f);
                    pendingRows += count;
                }
            }
            if (partialSum is not null && (pendingRows >= FlushRows || start + count >= n))
            {
                KeptScalars.AddInPlace(accumulator, partialSum);
                pendingRows = 0;
            }
        }

        KeptScalars.DivideInPlace(accumulator, n);
        if (shiftedSums is not null)
        {
            // 1/n Σ (g − s)(g − s)ᵀ − (ḡ − s)(ḡ − s)ᵀ = 1/n Σ (g − ḡ)(g − ḡ)ᵀ for any shift s.
            var meanShifted = KeptScalars.DividedBy(shiftedSums, n);
            if (options.PerOutput)
                accumulator.sub_(torch.einsum("ci,cj->cij", meanShifted, meanShifted));
            else
                accumulator.sub_(torch.mm(meanShifted.t(), meanShifted));
            ZeroUnresolvedVariance(accumulator, KeptScalars.Plus(shifts!.to_type(ScalarType.Float64), meanShifted), dtype, options.PerOutput);
        }
        if (!accumulator.isfinite().all().ReadBoolean())
            throw new NonFiniteAgopException(
                "The AGOP is not finite: the predictor's input gradients overflowed or are NaN (has training diverged?).");

        var result = KeptScalars.HalfSum(accumulator, accumulator.transpose(-1, -2));
        if (options.Power != 1.0) result = SymmetricMatrices.Power(result, options.Power);
        if (options.NormalizeTrace) result = SymmetricMatrices.NormalizeTrace(result, "AGOP");
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Zeroes each centred matrix of <paramref name="centred"/> ([d, d] summed over outputs, or [O, d, d]) whose trace is
    /// below the resolution of the gradients, given their means <paramref name="means"/> [O, d].
    /// </summary>
    private static void ZeroUnresolvedVariance(Tensor centred, Tensor means, ScalarType gradientType, bool perOutput)
    {
        using var scope = torch.NewDisposeScope();
        double resolution = ResolutionUnits * torch.finfo(gradientType).eps;
        var variance = centred.diagonal(0, -2, -1).sum(-1);
        var squares = means * means;
        var squaredMean = perOutput ? squares.sum(-1) : squares.sum();
        // tr(1/n Σ ggᵀ) = tr(centred) + |ḡ|²: the raw second moment, the scale the rounding is relative to.
        var unresolved = variance.le(KeptScalars.TimesInPlace(KeptScalars.Plus(variance, squaredMean), resolution * resolution));
        if (perOutput) KeptScalars.FillWhereInPlace(centred, unresolved.reshape(-1, 1, 1), 0);
        else if (unresolved.ReadBoolean()) centred.zero_();
    }
}
