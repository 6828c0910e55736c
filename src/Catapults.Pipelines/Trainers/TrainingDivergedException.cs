using System.Globalization;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Thrown by a network trainer's <c>Fit</c> when training diverged and <see cref="TorchNetworkTrainerOptions.ThrowOnDivergence"/>
/// is true. It carries the report of the run, so a learning-rate sweep can record the divergence and go on.
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="report"/>; <paramref name="learningRate"/> is the rate at the failing step.</summary>
    public TrainingDivergedException(TrainingReport report, double learningRate)
        : base(MessageFor(report, learningRate))
    {
        Report = report;
    }

    /// <summary>The report of the diverged run (its <see cref="TrainingReport.Result"/> holds the divergence details).</summary>
    public TrainingReport Report { get; }

    private static string MessageFor(TrainingReport report, double learningRate)
    {
        var c = CultureInfo.InvariantCulture;
        var d = report.Result.Divergence;
        string where = d is null ? "" : string.Format(c, " at step {0}: {1} (last finite loss {2:G4}, then {3:G4})",
            d.Step, d.Reason, d.LastFiniteLoss, d.OffendingLoss);
        return string.Format(c,
            "Training diverged{0}. The learning rate there was {1:G6}; lower it, or set ThrowOnDivergence = false " +
            "to get the diverged model and its report.", where, learningRate);
    }
}
