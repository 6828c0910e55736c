using Catapults.ML.Models;

namespace Catapults.Bench;

/// <summary>The models the AGOP benchmark measures.</summary>
public static class AgopBenchmarkModels
{
    /// <summary>
    /// Issue 4's two sizes: the largest image-capable model of the engine on CIFAR-shaped inputs (d = 3072, 10 outputs),
    /// and the paper's 2-layer width-1024 network on d = 100; and issue 7's image architectures at their default sizes
    /// (<see cref="ModelFactory"/>: CNN-5, WRN-16-4, ViT-4) on CIFAR-shaped inputs, with fewer samples, since each
    /// sample costs O input-gradient backward passes through a much larger network.
    /// </summary>
    public static IReadOnlyList<AgopBenchmarkCase> All { get; } = new[]
    {
        new AgopBenchmarkCase("fcn-3072", 10_000, 1_000, new long[] { 3, 32, 32 }, () => new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 3072, HiddenWidths = new[] { 1024, 1024 }, OutputCount = 10, Seed = 1,
        })),
        new AgopBenchmarkCase("fcn-100", 2_000, 2_000, new long[] { 100 }, () => new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 100, HiddenWidths = new[] { 1024 }, OutputCount = 1, Seed = 1,
        })),
        Image("cnn-5", 1_000, 256),
        Image("wrn-16-4", 256, 64),
        Image("vit-4", 1_000, 256),
    };

    /// <summary>An image architecture of <see cref="ModelFactory"/> at its default size on 3×32×32 inputs with 10 outputs.</summary>
    private static AgopBenchmarkCase Image(string architecture, int sampleCount, int quickSampleCount) =>
        new(architecture, sampleCount, quickSampleCount, new long[] { 3, 32, 32 },
            () => new NetworkDescription { Architecture = architecture }.Build(new long[] { 3, 32, 32 }, 10, 1));
}
