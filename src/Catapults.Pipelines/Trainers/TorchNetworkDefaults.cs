using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// The defaults of the TorchSharp network trainers, declared once and used by <see cref="TorchNetworkTrainerOptions"/>
/// and by the catalog's <c>TorchNetwork(...)</c> overloads: <see cref="Network"/> and <see cref="Training"/> are the
/// descriptions an options object starts from, built from the constants below.
/// </summary>
/// <remarks>
/// Chosen from measurements (<c>dotnet run -c Release --project bench/Catapults.Bench -- trainer-defaults</c>, 2-core
/// Debian 12, three seeds, 1000 training and 500 held-out rows, d = 20, features standardised with
/// <c>NormalizeMeanVariance(..., fixZero: false)</c>):
/// <list type="bullet">
/// <item>The previous defaults (width 1024, η = 0.1, 10 epochs) gave held-out R² −0.02 on the rank-2 target x₁x₂ and
/// 0.88 on a linear one.</item>
/// <item>Width 256, η = 0.5, 60 epochs gives R² 0.91 (rank-2) and 0.98 (linear). η = 0.75 fits as well; η = 1 fails
/// on both tasks and widths (the NTK-parameterised network is past its stable rate there), so 0.5 keeps a factor of two
/// of margin. Width 1024 fits no better (0.89) and is slower.</item>
/// <item>One libtorch thread: a default fit on 4000 rows took a fraction of the time it took with two threads on the
/// same two cores, because these networks are too small for intra-op parallelism to pay (README, "Trainer defaults").</item>
/// </list>
/// </remarks>
public static class TorchNetworkDefaults
{
    /// <summary>Width of the one hidden layer: 256.</summary>
    public const int HiddenWidth = 256;

    /// <summary>Learning rate η of plain SGD: 0.5.</summary>
    public const double LearningRate = 0.5;

    /// <summary>Mini-batch size: 32.</summary>
    public const int BatchSize = 32;

    /// <summary>Passes over the training data: 60.</summary>
    public const int NumberOfEpochs = 60;

    /// <summary>libtorch intra-op threads during training: 1.</summary>
    public const int Threads = 1;

    /// <summary>
    /// The network: <c>fcn-2</c> (one hidden layer) of width <see cref="HiddenWidth"/>, every other setting the
    /// architecture's default (ReLU, biases, NTK parameterisation). A description of another architecture takes that
    /// architecture's defaults, not this width.
    /// </summary>
    public static NetworkDescription Network { get; } = new() { Architecture = "fcn-2", Width = HiddenWidth };

    /// <summary>
    /// The training: plain SGD at <see cref="LearningRate"/>, batches of <see cref="BatchSize"/> (a last partial batch
    /// dropped), <see cref="NumberOfEpochs"/> epochs, batch order from shuffle seed 0; every other setting the engine's
    /// default. The loss is set by the trainer (see <see cref="TorchNetworkTrainerOptions.Training"/>).
    /// </summary>
    public static TrainingOptions Training { get; } = new() { LearningRate = LearningRate, BatchSize = BatchSize, MaxEpochs = NumberOfEpochs };
}
