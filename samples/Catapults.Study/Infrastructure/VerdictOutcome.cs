namespace Catapults.Study.Infrastructure;

/// <summary>
/// What a study's check of one of a paper's claims found. A claim the runs cannot judge (no finished run at a batch
/// size, too few points for a fit, no spike, an arm that diverged, a regime whose preconditions were not met) is
/// <see cref="NotTested"/>: reporting it as failed would read as evidence against the claim, which it is not.
/// </summary>
public enum VerdictOutcome
{
    /// <summary>The claim holds by the stated rule.</summary>
    Holds,

    /// <summary>The runs could judge the claim, and it does not hold by the stated rule.</summary>
    Fails,

    /// <summary>The runs could not judge the claim; the evidence says why.</summary>
    NotTested,
}
