using Catapults.ML.Models;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Extra columns of steps.csv measured at recorded steps from the weights alone (so a resumed run reproduces them).
/// </summary>
public interface IStepProbe
{
    /// <summary>Column names.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>The values at the model's current weights after <paramref name="step"/> updates.</summary>
    IReadOnlyList<double?> Measure(NetworkModule model, int step);
}
