namespace Catapults.ML.Spectra;

/// <summary>Thrown when <see cref="LanczosOptions.ThrowIfNotConverged"/> is set and the eigensolver did not converge.</summary>
public sealed class EigensolverNotConvergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EigensolverNotConvergedException(string message) : base(message) { }
}
