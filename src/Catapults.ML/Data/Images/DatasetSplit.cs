namespace Catapults.ML.Data.Images;

/// <summary>Which part of a dataset to read. Not every dataset has every split; a reader names the ones it has.</summary>
public enum DatasetSplit
{
    /// <summary>The training set (CIFAR-10 data_batch_1..5, SVHN train_32x32, CelebA partition 0).</summary>
    Train,
    /// <summary>The validation set (CelebA partition 1).</summary>
    Validation,
    /// <summary>The test set (CIFAR-10 test_batch, SVHN test_32x32, CelebA partition 2).</summary>
    Test,
    /// <summary>SVHN's additional, easier training set extra_32x32 (531,131 images).</summary>
    Extra,
}
