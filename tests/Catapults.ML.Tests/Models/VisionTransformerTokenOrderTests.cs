using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// What the position embeddings and mean pooling do, seen through the symmetry of attention: without position
/// information a ViT is blind to the order of its patches, so swapping two patches changes the output only because
/// each token carries its position; and with the position embeddings zeroed, mean pooling over all patch tokens is
/// unchanged by the swap, which pooling any single token would not be. Found by mutation testing (round 9B): neither
/// dropping the position embeddings nor pooling one token instead of the mean failed a test.
/// </summary>
public sealed class VisionTransformerTokenOrderTests
{
    private static VisionTransformer Net(TokenPooling pooling) => new(new VisionTransformerOptions
    {
        InputHeight = 16, InputWidth = 16, PatchSize = 4, Width = 16, Depth = 1, HeadCount = 2, Pooling = pooling,
        OutputCount = 2, Seed = 7,
    });

    // The images with the 4×4 patches at grid cells (0, 0) and (1, 2) exchanged.
    private static Tensor SwapTwoPatches(Tensor images)
    {
        var swapped = images.clone();
        using var a = images[.., .., 0..4, 0..4];
        using var b = images[.., .., 4..8, 8..12];
        swapped[.., .., 0..4, 0..4] = b;
        swapped[.., .., 4..8, 8..12] = a;
        return swapped;
    }

    [TestCase(TokenPooling.ClassToken)]
    [TestCase(TokenPooling.Mean)]
    public void SwappingTwoPatchesChangesTheOutputThroughThePositionEmbeddings(TokenPooling pooling)
    {
        using var scope = torch.NewDisposeScope();
        using var net = Net(pooling);
        var x = torch.randn(new long[] { 3, 3, 16, 16 }, generator: new torch.Generator(4));
        double change = (net.forward(SwapTwoPatches(x)) - net.forward(x)).abs().max().ToDouble();
        Assert.That(change, Is.GreaterThan(1e-3));

        // The same swap with the positions erased changes nothing beyond rounding: the change above is theirs.
        using (torch.no_grad()) net.PositionEmbedding.zero_();
        TensorAssert.AllClose(net.forward(SwapTwoPatches(x)), net.forward(x), 1e-5, 1e-6, "no positions, no order");
    }

    [Test]
    public void MeanPoolingReadsEveryPatchTokenAlike()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Net(TokenPooling.Mean);
        using (torch.no_grad()) net.PositionEmbedding.zero_();
        var x = torch.randn(new long[] { 3, 3, 16, 16 }, generator: new torch.Generator(5));
        var y = net.forward(x);
        TensorAssert.AllClose(net.forward(SwapTwoPatches(x)), y, 1e-5, 1e-6, "the mean of the tokens does not depend on their order");
        Assert.That(y.abs().max().ToDouble(), Is.GreaterThan(1e-3), "a non-trivial output, so the check above has something to compare");
    }
}
