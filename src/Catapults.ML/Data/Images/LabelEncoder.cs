using Catapults.ML.Runtime;

namespace Catapults.ML.Data.Images;

/// <summary>Turns class indices into targets according to a <see cref="LabelMapping"/>.</summary>
public static class LabelEncoder
{
    /// <summary>
    /// Width of a float target: 0 for <see cref="LabelMapping.ClassIndex"/> (an integer target), 1 for ±1 with two
    /// classes, K otherwise.
    /// </summary>
    public static int TargetWidth(LabelMapping mapping, int classCount)
    {
        OptionChecks.RequireDefined(mapping, "The label mapping", nameof(mapping));
        return mapping switch
        {
            LabelMapping.ClassIndex => 0,
            LabelMapping.PlusMinusOne when classCount == 2 => 1,
            _ => classCount,
        };
    }

    /// <summary>Writes the float target of <paramref name="classIndex"/> into <paramref name="target"/> (length <see cref="TargetWidth"/>).</summary>
    public static void Encode(LabelMapping mapping, int classCount, int classIndex, Span<float> target)
    {
        if ((uint)classIndex >= (uint)classCount)
            throw new ArgumentOutOfRangeException(nameof(classIndex), classIndex, $"Class index must be in 0..{classCount - 1}.");
        int width = TargetWidth(mapping, classCount);
        if (target.Length != width)
            throw new ArgumentException($"Target span has length {target.Length}; {mapping} with {classCount} classes needs {width}.", nameof(target));
        switch (mapping)
        {
            case LabelMapping.OneHot:
                target.Clear();
                target[classIndex] = 1f;
                break;
            case LabelMapping.PlusMinusOne when classCount == 2:
                target[0] = classIndex == 1 ? 1f : -1f;
                break;
            case LabelMapping.PlusMinusOne:
                target.Fill(-1f);
                target[classIndex] = 1f;
                break;
            default:
                throw new InvalidOperationException("LabelMapping.ClassIndex has no float target; use the class index itself.");
        }
    }
}
