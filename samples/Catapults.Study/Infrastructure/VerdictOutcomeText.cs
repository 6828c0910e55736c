namespace Catapults.Study.Infrastructure;

/// <summary>The words every report prints for a <see cref="VerdictOutcome"/>.</summary>
public static class VerdictOutcomeText
{
    /// <summary>"holds", "fails" or "not tested".</summary>
    public static string Word(this VerdictOutcome outcome) => outcome switch
    {
        VerdictOutcome.Holds => "holds",
        VerdictOutcome.Fails => "fails",
        VerdictOutcome.NotTested => "not tested",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a verdict outcome."),
    };

    /// <summary><see cref="VerdictOutcome.Holds"/> when <paramref name="holds"/>, otherwise <see cref="VerdictOutcome.Fails"/>: for a claim the runs could judge.</summary>
    public static VerdictOutcome Judged(bool holds) => holds ? VerdictOutcome.Holds : VerdictOutcome.Fails;
}
