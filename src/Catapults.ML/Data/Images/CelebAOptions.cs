namespace Catapults.ML.Data.Images;

/// <summary>How the CelebA reader turns the aligned 178×218 photographs into a binary task on fixed-size images.</summary>
public sealed class CelebAOptions
{
    /// <summary>
    /// The attribute of list_attr_celeba.txt that defines the two classes (matched ignoring case), e.g. "Smiling",
    /// "Male", "Eyeglasses". Class 0 is "not &lt;attribute&gt;" (−1 in the file), class 1 the attribute (+1).
    /// Default "Smiling".
    /// </summary>
    public string Attribute { get; set; } = "Smiling";

    /// <summary>Side of the centre square cropped from each 178×218 image before resizing. Default 178 (the full width).</summary>
    public int CropSize { get; set; } = 178;

    /// <summary>
    /// Side of the output images after resizing the crop (area averaging): 1 to
    /// <see cref="CelebAReader.MaxImageSize"/> (26,754, so that one image's 3·S·S values fit in one array). Default 32.
    /// </summary>
    public int ImageSize { get; set; } = 32;

    /// <summary>
    /// One luma channel instead of RGB: round(0.299 R + 0.587 G + 0.114 B) of the resized pixels (ITU-R BT.601).
    /// Default false.
    /// </summary>
    public bool Grayscale { get; set; }
}
