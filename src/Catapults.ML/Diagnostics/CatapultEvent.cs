namespace Catapults.ML.Diagnostics;

/// <summary>A catapult: the loss rose clearly above its pre-spike level and came back below it.</summary>
/// <param name="StartStep">The last low point before the rise (the pre-spike level).</param>
/// <param name="PeakStep">Where the loss was highest during the episode.</param>
/// <param name="EndStep">The first point after the peak back at or below the start level.</param>
/// <param name="StartLoss">The pre-spike level: the smoothed loss (running median) at <paramref name="StartStep"/>, which the rise is measured from.</param>
/// <param name="PeakLoss">Loss at <paramref name="PeakStep"/>, as recorded.</param>
/// <param name="EndLoss">The smoothed loss at <paramref name="EndStep"/>, which met the return rule.</param>
/// <param name="SharpnessBefore">λ_max at the last point at or before the start that has one, if any.</param>
/// <param name="SharpnessAfter">λ_max at the first point at or after the end that has one, if any.</param>
public sealed record CatapultEvent(int StartStep, int PeakStep, int EndStep, double StartLoss, double PeakLoss, double EndLoss,
    double? SharpnessBefore, double? SharpnessAfter)
{
    /// <summary>Peak loss over start loss.</summary>
    public double PeakRatio => PeakLoss / StartLoss;

    /// <summary>Steps from start to end.</summary>
    public int Duration => EndStep - StartStep;

    /// <summary>True when λ_max is known at both ends and is lower afterwards; null when unknown.</summary>
    public bool? SharpnessDecreased => SharpnessBefore is double b && SharpnessAfter is double a ? a < b : null;
}
