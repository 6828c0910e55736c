using System.Text.Json.Serialization;

namespace Catapults.ML.Training;

/// <summary>
/// Piecewise-constant rates set at given steps: the multiple-catapult schedule, where each milestone raises η above
/// the current critical rate. Before the first milestone the initial rate applies; from step s of a milestone on,
/// its rate applies until the next.
/// </summary>
/// <remarks>
/// Rates are finite and ≥ 0. A rate of 0 holds the weights still; it is allowed because a schedule may reach it
/// (<see cref="WarmupDecaySchedule"/>'s final rate), and a realised schedule (<see cref="TrainingResult.RealisedSchedule"/>)
/// must hold every rate its run used.
/// </remarks>
public sealed class MilestoneSchedule : ILearningRateSchedule
{
    private readonly LearningRateMilestone[] _milestones;

    /// <summary>Creates the schedule; milestone steps must be distinct and non-negative, rates finite and ≥ 0.</summary>
    [JsonConstructor]
    public MilestoneSchedule(double initialRate, IReadOnlyList<LearningRateMilestone> milestones)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        LearningRateCheck.RequireReachable(initialRate, nameof(initialRate));
        _milestones = milestones.OrderBy(m => m.Step).ToArray();
        for (int i = 0; i < _milestones.Length; i++)
        {
            if (_milestones[i].Step < 0) throw new ArgumentException($"Milestone step {_milestones[i].Step} is negative.", nameof(milestones));
            if (i > 0 && _milestones[i].Step == _milestones[i - 1].Step)
                throw new ArgumentException($"Two milestones at step {_milestones[i].Step}.", nameof(milestones));
            LearningRateCheck.RequireReachable(_milestones[i].Rate, nameof(milestones));
        }
        InitialRate = initialRate;
    }

    /// <summary>Creates the schedule from (step, rate) pairs; milestone steps must be distinct and non-negative, rates finite and ≥ 0.</summary>
    public MilestoneSchedule(double initialRate, IEnumerable<(int Step, double Rate)> milestones)
        : this(initialRate, (milestones ?? throw new ArgumentNullException(nameof(milestones))).Select(m => new LearningRateMilestone(m.Step, m.Rate)).ToArray())
    {
    }

    /// <summary>Rate before the first milestone.</summary>
    public double InitialRate { get; }

    /// <summary>The milestones, in step order.</summary>
    public IReadOnlyList<LearningRateMilestone> Milestones => _milestones;

    /// <inheritdoc />
    public double LearningRateAt(int step)
    {
        double rate = InitialRate;
        foreach (var m in _milestones)
        {
            if (m.Step > step) break;
            rate = m.Rate;
        }
        return rate;
    }
}
