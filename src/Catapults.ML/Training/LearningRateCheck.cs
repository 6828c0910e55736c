namespace Catapults.ML.Training;

/// <summary>The checks of a learning rate that the schedules apply.</summary>
internal static class LearningRateCheck
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="rate"/> is finite and positive.</summary>
    internal static void Require(double rate, string name)
    {
        if (!double.IsFinite(rate) || rate <= 0)
            throw new ArgumentOutOfRangeException(name, rate, "A learning rate must be finite and positive.");
    }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="rate"/> is finite and ≥ 0: the rates a
    /// schedule may reach (<see cref="WarmupDecaySchedule.FinalRate"/> may be 0).
    /// </summary>
    internal static void RequireReachable(double rate, string name)
    {
        if (!double.IsFinite(rate) || rate < 0)
            throw new ArgumentOutOfRangeException(name, rate, "A learning rate must be finite and ≥ 0.");
    }
}
