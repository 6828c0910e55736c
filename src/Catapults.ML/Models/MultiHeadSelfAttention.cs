using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>
/// Multi-head self-attention over a token sequence [n, T, D]: per head h, softmax(Q_h K_hᵀ / √d_h) V_h with
/// d_h = D / heads, the heads concatenated and mixed by an output projection. Queries, keys and values come from one
/// <see cref="ScaledLinear"/> D → 3D, so the parameterisation scales them like any other layer. Attention runs within
/// each sample's tokens only: samples of a batch never see each other.
/// </summary>
public sealed class MultiHeadSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly ScaledLinear queryKeyValue;
    private readonly ScaledLinear output;

    /// <summary>Creates the layer and initialises it from <paramref name="generator"/> (query-key-value first, then the output projection).</summary>
    /// <param name="name">Module name.</param>
    /// <param name="width">Token width D.</param>
    /// <param name="headCount">Number of heads; must divide <paramref name="width"/>.</param>
    /// <param name="useBias">Whether the projections have biases.</param>
    /// <param name="parameterization">How the projections are drawn and scaled (never as a readout).</param>
    /// <param name="generator">The initialisation stream.</param>
    public MultiHeadSelfAttention(string name, int width, int headCount, bool useBias, Parameterization parameterization,
        torch.Generator generator) : base(name)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "The token width must be positive.");
        if (headCount < 1 || width % headCount != 0)
            throw new ArgumentOutOfRangeException(nameof(headCount), headCount, $"The number of heads must be positive and divide the width {width}.");
        Width = width;
        HeadCount = headCount;
        queryKeyValue = new ScaledLinear("queryKeyValue", width, 3 * width, useBias, parameterization, isReadout: false, generator);
        output = new ScaledLinear("output", width, width, useBias, parameterization, isReadout: false, generator);
        RegisterComponents();
    }

    /// <summary>Token width D.</summary>
    public int Width { get; }

    /// <summary>Number of heads.</summary>
    public int HeadCount { get; }

    /// <summary>Width of one head, D / heads.</summary>
    public int HeadWidth => Width / HeadCount;

    /// <summary>The joint query-key-value projection, D → 3D.</summary>
    public ScaledLinear QueryKeyValue => queryKeyValue;

    /// <summary>The output projection, D → D.</summary>
    public ScaledLinear Output => output;

    /// <summary>Attends within each sample: [n, T, D] → [n, T, D].</summary>
    public override Tensor forward(Tensor x)
    {
        // The shapes are checked here because a mismatch deeper down would surface as an opaque native error.
        if (x.dim() != 3 || x.shape[2] != Width)
            throw new ArgumentException($"{GetName()} expects tokens [n, T, {Width}], got [{string.Join(", ", x.shape)}].", nameof(x));
        long n = x.shape[0], tokens = x.shape[1];
        using var scope = torch.NewDisposeScope();
        var qkv = queryKeyValue.forward(x).view(n, tokens, 3, HeadCount, HeadWidth);
        var q = qkv.select(2, 0);
        var k = qkv.select(2, 1);
        var v = qkv.select(2, 2);
        var scores = KeptScalars.Times(torch.einsum("nqhd,nkhd->nhqk", q, k), 1.0 / Math.Sqrt(HeadWidth));
        var weights = scores.softmax(-1);
        var mixed = torch.einsum("nhqk,nkhd->nqhd", weights, v).reshape(n, tokens, Width);
        return output.forward(mixed).MoveToOuterDisposeScope();
    }
}
