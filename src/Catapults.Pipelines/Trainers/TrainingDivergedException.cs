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
        string losses = (d?.LastFiniteLoss is double last ? string.Format(c, "last finite loss {0:G4}", last) : "no finite loss before it") +
            (d?.OffendingLoss is double offending ? string.Format(c, ", then {0:G4}", offending) : "");
        string where = d is null ? "" : string.Format(c, " at step {0}: {1} ({2})", d.Step, d.Reason, losses);
        return string.Format(c,
            "Training diverged{0}. The learning rate there was {1:G6}; lower it, or set ThrowOnDivergence = false " +
            "to get the diverged model and its report.", where, learningRate);
    }
}
