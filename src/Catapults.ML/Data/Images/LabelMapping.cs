namespace Catapults.ML.Data.Images;

/// <summary>How class labels become targets. Classes are numbered 0..K−1 in the order of the chosen subset.</summary>
public enum LabelMapping
{
    /// <summary>The class index as an int64 target [n], for cross-entropy.</summary>
    ClassIndex,
    /// <summary>One-hot float targets [n, K]: 1 for the class, 0 elsewhere, for MSE.</summary>
    OneHot,
    /// <summary>
    /// ±1 float targets for MSE. With two classes a single output [n, 1]: −1 for class 0 and +1 for class 1 (for a
    /// CelebA attribute, +1 means the attribute is present). With K &gt; 2 classes [n, K]: +1 for the class, −1 elsewhere.
    /// </summary>
    PlusMinusOne,
}
