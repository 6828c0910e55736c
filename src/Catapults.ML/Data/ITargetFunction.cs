namespace Catapults.ML.Data;

/// <summary>A differentiable function of the inputs: a true predictor whose input gradient the AGOP work uses.</summary>
public interface ITargetFunction
{
    /// <summary>Input dimension d.</summary>
    int InputDimension { get; }

    /// <summary>Number of outputs.</summary>
    int OutputCount { get; }

    /// <summary>f*(x) for a batch [n, d]; returns [n, O]. Built from differentiable torch operations.</summary>
    Tensor Evaluate(Tensor x);
}
