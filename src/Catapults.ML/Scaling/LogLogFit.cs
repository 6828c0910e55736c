using System.Text.Json;
using System.Text.Json.Serialization;

namespace Catapults.ML.Scaling;

/// <summary>
/// A least-squares line through (log₁₀ x, log₁₀ y): y ≈ 10^Intercept · x^Slope.
/// </summary>
/// <param name="Slope">The fitted exponent.</param>
/// <param name="Intercept">log₁₀ y at x = 1.</param>
/// <param name="SlopeStandardError">Standard error of the slope (NaN with two points; null in JSON).</param>
/// <param name="RSquared">Coefficient of determination (1 with two points).</param>
/// <param name="Points">Number of points fitted.</param>
public sealed record LogLogFit(double Slope, double Intercept,
    [property: JsonConverter(typeof(LogLogFit.NullWhenUndefined))] double SlopeStandardError, double RSquared, int Points)
{
    /// <summary>Fits log₁₀ y = a + b log₁₀ x by ordinary least squares; needs two distinct positive x and positive y.</summary>
    public static LogLogFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"x has {x.Count} points but y has {y.Count}.", nameof(y));
        for (int i = 0; i < x.Count; i++)
            if (!(x[i] > 0) || !(y[i] > 0) || !double.IsFinite(x[i]) || !double.IsFinite(y[i]))
                throw new ArgumentException($"Point {i} ({x[i]}, {y[i]}) is not positive and finite; a log-log fit needs both.",
                    x[i] > 0 && double.IsFinite(x[i]) ? nameof(y) : nameof(x));
        // Before the means: Average() of an empty sequence throws LINQ's "Sequence contains no elements".
        if (x.Count < 2) throw new ArgumentException($"A slope needs at least two points, got {x.Count}.", nameof(x));
        var u = x.Select(Math.Log10).ToArray();
        var v = y.Select(Math.Log10).ToArray();
        int n = u.Length;
        double mu = u.Average(), mv = v.Average();
        double suu = 0, suv = 0, svv = 0;
        for (int i = 0; i < n; i++)
        {
            suu += (u[i] - mu) * (u[i] - mu);
            suv += (u[i] - mu) * (v[i] - mv);
            svv += (v[i] - mv) * (v[i] - mv);
        }
        if (n < 2 || suu == 0) throw new ArgumentException("A slope needs at least two distinct x values.", nameof(x));
        double slope = suv / suu;
        double intercept = mv - slope * mu;
        double sse = 0;
        for (int i = 0; i < n; i++)
        {
            double r = v[i] - intercept - slope * u[i];
            sse += r * r;
        }
        double se = n > 2 ? Math.Sqrt(sse / (n - 2) / suu) : double.NaN;
        double r2 = svv == 0 ? 1.0 : 1 - sse / svv;
        return new LogLogFit(slope, intercept, se, r2, n);
    }

    /// <summary>The fitted y at <paramref name="x"/>.</summary>
    public double Predict(double x) => Math.Pow(10, Intercept + Slope * Math.Log10(x));

    // An undefined value is null in the study's JSON, as everywhere else, not the string "NaN" that the sweep files'
    // named literals would give; a file written before that reads back as well.
    internal sealed class NullWhenUndefined : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : JsonSerializer.Deserialize<double>(ref reader, options);

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }
}
