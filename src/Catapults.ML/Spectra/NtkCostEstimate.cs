namespace Catapults.ML.Spectra;

/// <summary>A rough cost estimate of one NTK method for a problem size (used by <see cref="NtkMethod.Auto"/>).</summary>
/// <param name="Method">The method.</param>
/// <param name="Applicable">False when the method cannot be used on the model (layer-wise needs a dense layer chain whose parameters all train).</param>
/// <param name="Work">Estimated work in floating-point operations, with a fixed charge per autograd call.</param>
/// <param name="Bytes">Estimated peak memory of the method's own tensors.</param>
public sealed record NtkCostEstimate(NtkMethod Method, bool Applicable, double Work, double Bytes);
