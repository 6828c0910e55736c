using Catapults.ML.Models;

namespace Catapults.Bench;

/// <summary>
/// A model and data size the AGOP benchmark runs. Add an entry to <see cref="AgopBenchmarkModels.All"/> when a new
/// architecture arrives (CNN, Wide ResNet, ViT): nothing else changes.
/// </summary>
/// <param name="Name">Case name for --only.</param>
/// <param name="SampleCount">n in a full run.</param>
/// <param name="QuickSampleCount">n with --quick.</param>
/// <param name="SampleShape">Shape of one input (images as [C, H, W]).</param>
/// <param name="Create">Builds the model, seeded.</param>
public sealed record AgopBenchmarkCase(string Name, int SampleCount, int QuickSampleCount, long[] SampleShape, Func<NetworkModule> Create);
