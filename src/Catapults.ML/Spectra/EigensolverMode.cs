namespace Catapults.ML.Spectra;

/// <summary>How <see cref="LanczosEigensolver"/> solves: stated in <see cref="LanczosOptions.Mode"/>, reported in <see cref="EigenpairResult.SolvedDirectly"/>.</summary>
public enum EigensolverMode
{
    /// <summary>
    /// Dense when the operator has a cheap dense form (<see cref="LinearOperator.HasDenseForm"/>: a formed kernel) and
    /// its dimension is at most <see cref="LanczosOptions.DenseThreshold"/>; iterative otherwise.
    /// </summary>
    Auto,

    /// <summary>Always form the matrix (<see cref="LinearOperator.ToDense"/>, Dimension products if not held) and diagonalise it with LAPACK in float64.</summary>
    Dense,

    /// <summary>Always iterate (thick-restart Lanczos), whatever the operator holds.</summary>
    Iterative,
}
