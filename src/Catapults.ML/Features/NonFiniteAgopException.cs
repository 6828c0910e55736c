namespace Catapults.ML.Features;

/// <summary>Thrown when an AGOP has non-finite entries although the inputs are finite: the input gradients overflowed, as in a diverging model.</summary>
public sealed class NonFiniteAgopException : InvalidOperationException
{
    /// <summary>Creates the exception with a message.</summary>
    public NonFiniteAgopException(string message) : base(message) { }
}
