namespace Catapults.ML.Spectra;

/// <summary>How the empirical NTK K = J Jᵀ [nO, nO] is computed.</summary>
/// <remarks>
/// Cost for n samples, O outputs, P trainable parameters, layers of fan-in a_l and width w_l, and an eigen-solve of
/// k operator products (a few dozen for top-5 at n in the thousands; a formed kernel is diagonalised directly when small).
/// <see cref="NeuralTangentKernel.EstimateCosts"/> turns these into numbers for <see cref="Auto"/>.
/// <list type="table">
/// <listheader><term>method</term><description>time · memory · applies to</description></listheader>
/// <item><term><see cref="ExplicitJacobian"/></term><description>
/// n forwards and nO backwards, then (nO)²·P for J Jᵀ · nO·P + (nO)² numbers · any model</description></item>
/// <item><term><see cref="LayerWise"/></term><description>
/// about half of n²·Σ a_l + (nO)²·Σ w_l (the strips on and above the diagonal), no per-sample passes · (nO)² + nO·Σ w_l · a model that declares
/// <see cref="Models.IDenseLayerChain"/> and trains every parameter</description></item>
/// <item><term><see cref="MatrixFree"/></term><description>
/// per product one vector-Jacobian and one double-backward pass, about 12·n·P; for a dense layer chain that trains
/// every parameter, two matrix products per layer from its linearisation instead, about 4·n·P; k of them per solve ·
/// the forward graph (or the linearisation) of n samples (or of one chunk, see <see cref="NtkOptions.ChunkSize"/>) and
/// the Krylov basis, never (nO)² · any model</description></item>
/// </list>
/// </remarks>
public enum NtkMethod
{
    /// <summary>The cheapest applicable method that fits <see cref="NtkOptions.MemoryBudgetBytes"/> (see <see cref="NeuralTangentKernel.EstimateCosts"/>).</summary>
    Auto,

    /// <summary>Form J [nO, P] explicitly (one backward per output row), then K = J Jᵀ. Any model; small problems.</summary>
    ExplicitJacobian,

    /// <summary>Exact layer-by-layer kernel of an <see cref="Models.IDenseLayerChain"/> (O backward sweeps, batched over samples).</summary>
    LayerWise,

    /// <summary>
    /// Never form K: the composition J·Jᵀ, one vector-Jacobian product and one double-backward product per vector (for
    /// a dense layer chain, one matrix product per layer and direction from its linearisation). Any model; least memory.
    /// </summary>
    MatrixFree,
}
