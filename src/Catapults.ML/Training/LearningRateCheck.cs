namespace Catapults.ML.Training;

/// <summary>The one check of a learning rate that every schedule applies.</summary>
internal static class LearningRateCheck
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="rate"/> is finite and positive.</summary>
    internal static void Require(double rate, string name)
    {
        if (!double.IsFinite(rate) || rate <= 0)
            throw new ArgumentOutOfRangeException(name, rate, "A learning rate must be finite and positive.");
    }
}
