namespace Catapults.ML.Spectra;

/// <summary>Options of <see cref="CriticalLearningRate"/>. Every default is stated; <see cref="Validate"/> names a bad option.</summary>
public sealed class CriticalLearningRateOptions
{
    /// <summary>How the batch kernel is computed; default <see cref="NtkMethod.Auto"/> (layer-wise for a fully connected network).</summary>
    public NtkOptions Ntk { get; set; } = new();

    /// <summary>
    /// The eigensolver's options; default: largest eigenvalue, tolerance 1e-6, direct diagonalisation of kernels up
    /// to 256 rows (any batch of 5 to 50 samples). <see cref="LanczosOptions.Which"/> is always the largest end.
    /// </summary>
    public LanczosOptions Lanczos { get; set; } = new();

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first invalid option of <see cref="Ntk"/> or <see cref="Lanczos"/>,
    /// so that an owner (a probe's options) can refuse them when it is built rather than at its first measurement. A null
    /// one means its defaults, as in <see cref="CriticalLearningRate"/>.
    /// </summary>
    public void Validate()
    {
        Ntk?.Validate();
        Lanczos?.Validate();
    }
}
