namespace Catapults.ML.Models;

/// <summary>Checks and converts the feature-learning strength γ.</summary>
public static class FeatureStrength
{
    /// <summary>The multiplier 1/γ applied to the (centred) output.</summary>
    public static double OutputMultiplier(double gamma) => 1.0 / ValidateGamma(gamma);

    /// <summary>Returns <paramref name="gamma"/>, or throws when it is not finite and positive.</summary>
    public static double ValidateGamma(double gamma)
    {
        if (!double.IsFinite(gamma) || gamma <= 0)
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "The feature-learning strength γ must be finite and positive.");
        return gamma;
    }
}
