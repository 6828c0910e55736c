namespace Catapults.ML.Spectra;

/// <summary>Options of <see cref="CriticalLearningRate"/>. Every default is stated.</summary>
public sealed class CriticalLearningRateOptions
{
    /// <summary>How the batch kernel is computed; default <see cref="NtkMethod.Auto"/> (layer-wise for a fully connected network).</summary>
    public NtkOptions Ntk { get; set; } = new();

    /// <summary>
    /// The eigensolver's options; default: largest eigenvalue, tolerance 1e-6, direct diagonalisation of kernels up
    /// to 256 rows (any batch of 5 to 50 samples). <see cref="LanczosOptions.Which"/> is always the largest end.
    /// </summary>
    public LanczosOptions Lanczos { get; set; } = new();
}
