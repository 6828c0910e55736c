namespace Catapults.ML.Spectra;

/// <summary>
/// Eigenpairs found by <see cref="LanczosEigensolver"/>, in the order of <see cref="LanczosOptions.Which"/>, with
/// their residual checks. Owns <see cref="Vectors"/>; dispose the result (or take the vectors) when done.
/// </summary>
public sealed class EigenpairResult : IDisposable
{
    internal EigenpairResult(double[] values, Tensor vectors, double[] estimates, double[]? residuals, double normEstimate,
        bool converged, int products, int restarts, bool direct)
    {
        Values = values;
        Vectors = vectors.DetachFromDisposeScope();
        ResidualEstimates = estimates;
        Residuals = residuals;
        NormEstimate = normEstimate;
        Converged = converged;
        OperatorApplications = products;
        Restarts = restarts;
        SolvedDirectly = direct;
    }

    /// <summary>Eigenvalues λ₁, λ₂, … in the requested order.</summary>
    public double[] Values { get; }

    /// <summary>Orthonormal eigenvectors as columns, [Dimension, k], float64, on the operator's device.</summary>
    public Tensor Vectors { get; }

    /// <summary>The Ritz estimates of ‖A x − λ x‖ the iteration stopped on (exact zeros for a direct solve).</summary>
    public double[] ResidualEstimates { get; }

    /// <summary>True residuals ‖A xᵢ − λᵢ xᵢ‖ computed by applying the operator; null when not requested.</summary>
    public double[]? Residuals { get; }

    /// <summary>Largest |Ritz value| seen: the scale the relative tolerances refer to (an estimate of ‖A‖₂).</summary>
    public double NormEstimate { get; }

    /// <summary>Residuals relative to <see cref="NormEstimate"/> (true ones when computed, else the estimates).</summary>
    public double[] RelativeResiduals =>
        (Residuals ?? ResidualEstimates).Select(r => NormEstimate > 0 ? r / NormEstimate : r).ToArray();

    /// <summary>Largest relative residual.</summary>
    public double MaxRelativeResidual => RelativeResiduals.DefaultIfEmpty(0).Max();

    /// <summary>True when every pair met <see cref="LanczosOptions.Tolerance"/> (and <see cref="LanczosOptions.ResidualTolerance"/> when the true residuals were computed).</summary>
    public bool Converged { get; }

    /// <summary>Number of operator-vector products used (a block of p counts p).</summary>
    public int OperatorApplications { get; }

    /// <summary>Number of thick restarts.</summary>
    public int Restarts { get; }

    /// <summary>True when the operator was small and dense enough to be diagonalised directly.</summary>
    public bool SolvedDirectly { get; }

    /// <summary>Number of eigenpairs.</summary>
    public int Count => Values.Length;

    /// <inheritdoc />
    public void Dispose() => Vectors.Dispose();
}
