using System.Runtime.InteropServices;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Checks for non-finite values before and after the measurements of a run, so that a run whose weights or spectra
/// have blown up ends as diverged (<see cref="NonFiniteValueException"/>) instead of failing inside libtorch.
/// </summary>
public static class Finite
{
    /// <summary>The value of <paramref name="measure"/>, or null when it is not finite or cannot be computed (a degenerate matrix).</summary>
    public static double? OrNull(Func<double> measure)
    {
        try
        {
            double value = measure();
            return double.IsFinite(value) ? value : null;
        }
        catch (ArithmeticException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs a measurement (an eigen-solve, a critical rate) at <paramref name="step"/>. A libtorch failure, or one
    /// on weights that are no longer finite, is the divergence it comes from: it is rethrown as
    /// <see cref="NonFiniteValueException"/> naming <paramref name="what"/>.
    /// </summary>
    /// <param name="model">The model being measured.</param>
    /// <param name="step">The step of the measurement.</param>
    /// <param name="what">What is measured, for the reason.</param>
    /// <param name="measure">The measurement.</param>
    /// <param name="checkWeights">Whether non-finite weights end the run before the measurement (off where the measurement itself must run, e.g. to finish a record).</param>
    public static T Guard<T>(NetworkModule model, int step, string what, Func<T> measure, bool checkWeights = true)
    {
        if (checkWeights && !model.HasFiniteParameters()) throw new NonFiniteValueException(step, $"the weights are not finite at step {step} (before {what})");
        try
        {
            return measure();
        }
        catch (Exception ex) when (ex is ExternalException || (ex is InvalidOperationException && IsNonFiniteFailure(ex)))
        {
            throw new NonFiniteValueException(step, $"{what} failed at step {step}: {ErrorText.FirstLine(ex)}", ex);
        }
        catch (ArithmeticException ex)
        {
            throw new NonFiniteValueException(step, $"{what} is not finite at step {step}: {ErrorText.FirstLine(ex)}", ex);
        }
    }

    /// <summary>Whether <paramref name="ex"/> reports non-finite values (a solver's own check, or a libtorch error).</summary>
    public static bool IsNonFiniteFailure(Exception ex) => NonFiniteValueException.Describes(ex);
}
