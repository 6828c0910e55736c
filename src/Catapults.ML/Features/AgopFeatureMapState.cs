namespace Catapults.ML.Features;

/// <summary>
/// The fitted state of an <see cref="AgopFeatureMap"/>, as plain serialisable values (e.g. with System.Text.Json):
/// the map is y = M x with M stored row-major as [<see cref="OutputDimension"/>, <see cref="InputDimension"/>].
/// </summary>
public sealed class AgopFeatureMapState
{
    /// <summary>The format version this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Format version; <see cref="CurrentVersion"/> when written by this code.</summary>
    public int Version { get; set; } = CurrentVersion;

    /// <summary>Which map was fitted.</summary>
    public AgopFeatureMapKind Kind { get; set; }

    /// <summary>The power p (for <see cref="AgopFeatureMapKind.MatrixPower"/>).</summary>
    public double Power { get; set; }

    /// <summary>Whether G was trace-normalised before fitting.</summary>
    public bool NormalizeTrace { get; set; }

    /// <summary>Rows per matrix product when transforming tensors.</summary>
    public int BatchSize { get; set; } = 4096;

    /// <summary>d, the number of input features.</summary>
    public int InputDimension { get; set; }

    /// <summary>k, the number of output features (d, or r for <see cref="AgopFeatureMapKind.TopEigenvectors"/>).</summary>
    public int OutputDimension { get; set; }

    /// <summary>M, row-major [k, d], float32.</summary>
    public float[] Matrix { get; set; } = Array.Empty<float>();

    /// <summary>The eigenvalues of the (normalised) G, descending, for reports.</summary>
    public double[] Eigenvalues { get; set; } = Array.Empty<double>();
}
