using Catapults.ML.Models;
using Catapults.ML.Runtime;

namespace Catapults.ML.Spectra;

/// <summary>
/// The empirical neural tangent kernel K(w) = J(w) J(w)ᵀ of a model on a set of inputs, over all outputs
/// ([nO, nO], sample-major indices i·O + c): as a dense matrix, as an operator, or through its top eigenpairs.
/// The method is chosen by estimated cost and memory unless <see cref="NtkOptions.Method"/> forces one (the cost
/// table is on <see cref="NtkMethod"/>); the layer-wise method applies to models that declare
/// <see cref="IDenseLayerChain"/>.
/// </summary>
public static class NeuralTangentKernel
{
    // Work charged per autograd or per-sample call, in flop-equivalents: it dominates the explicit Jacobian of a
    // small network, whose per-sample backward passes are short.
    private const double CallOverhead = 1e6;

    /// <summary>The dense kernel [nO, nO] in the model's dtype, by the explicit or layer-wise method (or, if forced, the matrix-free one, nO products).</summary>
    public static Tensor Compute(NetworkModule model, Tensor inputs, NtkOptions? options = null)
    {
        var o = Checked(model, inputs, options);
        var method = o.Method == NtkMethod.Auto ? ChooseDense(model, inputs.shape[0], o) : o.Method;
        return FormKernel(model, inputs, method, o);
    }

    // The dense kernel by one method; the matrix-free one takes nO products to form it.
    private static Tensor FormKernel(NetworkModule model, Tensor inputs, NtkMethod method, NtkOptions o)
    {
        switch (method)
        {
            case NtkMethod.LayerWise:
                return LayerWiseNtk.Compute(LayerChain(model), inputs);
            case NtkMethod.ExplicitJacobian:
                return ExplicitJacobian.Kernel(model, inputs);
            default:
            {
                using var op = new MatrixFreeNtkOperator(model, inputs, o.ChunkSize);
                return op.ToDense();
            }
        }
    }

    /// <summary>
    /// K as an operator for eigen-solves. <paramref name="eigenpairs"/> (how many will be asked for) informs the
    /// automatic choice only.
    /// </summary>
    public static NtkOperator CreateOperator(NetworkModule model, Tensor inputs, NtkOptions? options = null, int eigenpairs = 5)
    {
        var o = Checked(model, inputs, options);
        var method = o.Method == NtkMethod.Auto ? ChooseMethod(model, inputs.shape[0], eigenpairs, o) : o.Method;
        int n = (int)inputs.shape[0];
        if (method == NtkMethod.MatrixFree)
        {
            var op = new MatrixFreeNtkOperator(model, inputs, o.ChunkSize);
            return new NtkOperator(op, op, method, n, model.OutputCount);
        }
        using var scope = torch.NewDisposeScope();
        var dense = new DenseSymmetricOperator(FormKernel(model, inputs, method, o), checkSymmetry: false);
        return new NtkOperator(dense, dense, method, n, model.OutputCount);
    }

    /// <summary>
    /// The top <paramref name="count"/> eigenpairs of K by Lanczos (eigenvectors [nO, count], float64), optionally
    /// warm-started from earlier eigenvectors.
    /// </summary>
    public static EigenpairResult TopEigenpairs(NetworkModule model, Tensor inputs, int count, NtkOptions? ntk = null,
        LanczosOptions? lanczos = null, Tensor? warmStart = null)
    {
        using var op = CreateOperator(model, inputs, ntk, count);
        return op.TopEigenpairs(count, lanczos, warmStart);
    }

    /// <summary>The method <see cref="NtkMethod.Auto"/> picks for an eigen-solve of <paramref name="eigenpairs"/> pairs on <paramref name="sampleCount"/> samples.</summary>
    public static NtkMethod ChooseMethod(NetworkModule model, long sampleCount, int eigenpairs = 5, NtkOptions? options = null)
    {
        var budget = (options ?? new NtkOptions()).MemoryBudgetBytes;
        var costs = EstimateCosts(model, sampleCount, eigenpairs, options?.ChunkSize).Where(c => c.Applicable).ToList();
        var fitting = costs.Where(c => c.Bytes <= budget).ToList();
        return fitting.Count > 0 ? fitting.MinBy(c => c.Work)!.Method : NtkMethod.MatrixFree;
    }

    private static NtkMethod ChooseDense(NetworkModule model, long sampleCount, NtkOptions options)
    {
        // A dense kernel from the matrix-free operator costs nO products: only the last resort.
        if (LayerWiseApplies(model)) return NtkMethod.LayerWise;
        var explicitCost = EstimateCosts(model, sampleCount, 1).First(c => c.Method == NtkMethod.ExplicitJacobian);
        return explicitCost.Bytes <= options.MemoryBudgetBytes ? NtkMethod.ExplicitJacobian : NtkMethod.MatrixFree;
    }

    /// <summary>
    /// Rough work and memory of each method for an eigen-solve of <paramref name="eigenpairs"/> pairs: enough to
    /// rank the methods, not to predict times (the formulas behind them are in <see cref="NtkMethod"/>'s table).
    /// Layer-wise applies only to an <see cref="IDenseLayerChain"/> whose parameters all train.
    /// <paramref name="chunkSize"/> is <see cref="NtkOptions.ChunkSize"/>.
    /// </summary>
    public static IReadOnlyList<NtkCostEstimate> EstimateCosts(NetworkModule model, long sampleCount, int eigenpairs = 5, int? chunkSize = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (sampleCount < 1) throw new ArgumentOutOfRangeException(nameof(sampleCount), sampleCount, "Need at least one sample.");
        if (eigenpairs < 1) throw new ArgumentOutOfRangeException(nameof(eigenpairs), eigenpairs, "Need at least one eigenpair.");
        double n = sampleCount, o = model.OutputCount, size = n * o;
        double p = ParameterVector.Count(model);
        double products = 40 + 8.0 * eigenpairs;        // a generous count of Lanczos products (single-vector solves use fewer)
        double lanczosBasis = 8 * size * (Math.Max(60, 6 * eigenpairs)); // float64 Krylov basis
        double denseLanczos = products * 2 * size * size;
        const double floatBytes = 4;

        double explicitWork = (n + size) * CallOverhead + n * 2 * p + size * 4 * p + 2 * size * size * p + denseLanczos;
        double explicitBytes = floatBytes * (size * p + 2 * size * size) + lanczosBasis;

        // Activations kept by the graph: exact for a dense layer chain, a guess (√P per layer-ish) otherwise.
        double activationWidths;
        var chain = model as IDenseLayerChain;
        if (chain is not null)
            activationWidths = chain.Layers[0].InFeatures + chain.Layers.Take(chain.Layers.Count - 1).Sum(l => 3.0 * l.OutFeatures) + o;
        else
            activationWidths = model.InputDimension + 8 * Math.Sqrt(p) + o;
        double graphSamples = Math.Min(n, chunkSize ?? n);
        double chunks = Math.Ceiling(n / graphSamples);
        // A dense layer chain that trains every parameter takes its products from its linearisation: two matrix
        // products of n·P each, no autograd; any other model one vector-Jacobian and one double-backward pass.
        double perProduct = LayerWiseApplies(model) ? 4 * n * p : 12 * n * p;
        double matrixFreeWork = (products + 2) * (perProduct + 2 * chunks * CallOverhead) + 6 * n * p
                                + (chunks > 1 ? products * 8 * n * p : 0); // forward sweeps or graphs rebuilt per product
        double matrixFreeBytes = floatBytes * graphSamples * activationWidths * 3 + lanczosBasis + 3 * floatBytes * p;

        var estimates = new List<NtkCostEstimate>
        {
            new(NtkMethod.ExplicitJacobian, true, explicitWork, explicitBytes),
            new(NtkMethod.MatrixFree, true, matrixFreeWork, matrixFreeBytes),
        };
        if (chain is { Layers: var layers } && LayerWiseApplies(model))
        {
            double work = 2 * n * p + 12 * CallOverhead + denseLanczos;
            double widthSum = 0;
            foreach (var layer in layers)
            {
                work += 2 * n * n * layer.InFeatures;
                widthSum += layer.OutFeatures;
            }
            foreach (var layer in layers.Take(layers.Count - 1))
                work += 2 * size * size * layer.OutFeatures + 2 * size * layer.OutFeatures * layer.InFeatures;
            double bytes = floatBytes * (3 * size * size + n * widthSum * (o + 2)) + lanczosBasis;
            estimates.Add(new NtkCostEstimate(NtkMethod.LayerWise, true, work, bytes));
        }
        else
        {
            estimates.Add(new NtkCostEstimate(NtkMethod.LayerWise, false, double.PositiveInfinity, double.PositiveInfinity));
        }
        return estimates;
    }

    private static NtkOptions Checked(NetworkModule model, Tensor inputs, NtkOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        TorchRuntime.EnsureLoaded();
        var o = options ?? new NtkOptions();
        o.Validate();
        if (inputs.dim() < 2 || inputs.shape[0] < 1)
            throw new ArgumentException($"Inputs must be a batch [n, ...] with n ≥ 1, got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        // NaN inputs would surface as a libtorch error deep inside an eigen-solve.
        using (torch.NewDisposeScope())
            if (!torch.isfinite(inputs).all().ReadBoolean())
                throw new ArgumentException("Inputs contain NaN or infinite values.", nameof(inputs));
        // A frozen model has no NTK; without this the layer-wise path would return one anyway.
        ParameterVector.ParametersOf(model);
        return o;
    }

    // The layer-wise formula covers every weight and bias of the chain, so a frozen parameter rules it out.
    private static bool LayerWiseApplies(NetworkModule model) =>
        model is IDenseLayerChain && model.parameters().All(p => p.requires_grad);

    private static IDenseLayerChain LayerChain(NetworkModule model) =>
        model as IDenseLayerChain ?? throw new ArgumentException(
            $"NtkMethod.LayerWise needs a network that declares its dense layer chain ({nameof(IDenseLayerChain)}, as FullyConnectedNetwork does), " +
            $"got {model.GetType().Name}; use ExplicitJacobian or MatrixFree (or Auto).", nameof(model));
}
