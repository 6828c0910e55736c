namespace Catapults.ML.Spectra;

/// <summary>Which end of the spectrum an eigensolver looks for.</summary>
public enum SpectrumEnd
{
    /// <summary>The largest eigenvalues, λ₁ ≥ λ₂ ≥ … (the NTK's top, the Hessian's sharpness).</summary>
    LargestAlgebraic,

    /// <summary>The smallest (most negative) eigenvalues, in increasing order.</summary>
    SmallestAlgebraic,

    /// <summary>The eigenvalues of largest absolute value, in decreasing |λ| (an indefinite Hessian's dominant modes).</summary>
    LargestMagnitude,
}
