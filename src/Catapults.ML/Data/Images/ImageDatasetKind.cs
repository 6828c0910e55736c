namespace Catapults.ML.Data.Images;

/// <summary>The image datasets with a built-in reader.</summary>
public enum ImageDatasetKind
{
    /// <summary>CIFAR-10, binary version (<see cref="Cifar10Reader"/>).</summary>
    Cifar10,
    /// <summary>SVHN cropped digits (<see cref="SvhnReader"/>).</summary>
    Svhn,
    /// <summary>Aligned CelebA with a binary attribute task (<see cref="CelebAReader"/>).</summary>
    CelebA,
}
