namespace Catapults.ML.Diagnostics;

/// <summary>Options of <see cref="CatapultDetector"/>. Every default is stated; <see cref="Validate"/> names a bad option.</summary>
/// <remarks>
/// The defaults suit the full training loss of GD or SGD recorded every step or every few steps. For a raw
/// mini-batch loss (noisy by a factor of several) use <see cref="ForMiniBatchLoss"/>, or better feed the full loss
/// (<see cref="Probes.ProbeOptions.Every"/>).
/// </remarks>
public sealed class CatapultDetectorOptions
{
    /// <summary>
    /// Width of the centred running median applied to log-loss before detection (odd; 1 = none); default 3, which
    /// removes single-point outliers but keeps any spike at least two points wide.
    /// </summary>
    public int SmoothingWindow { get; set; } = 3;

    /// <summary>An episode starts when the smoothed loss exceeds this factor times its recent minimum; default 2.</summary>
    public double RiseFactor { get; set; } = 2.0;

    /// <summary>
    /// An episode ends at the first point after the peak where the smoothed loss is at or below this factor times
    /// the loss at its start ("falls back below its pre-spike level"); default 1.
    /// </summary>
    public double ReturnFactor { get; set; } = 1.0;

    /// <summary>
    /// Number of preceding points the "recent minimum" is taken over; default 50. It bounds how slow a rise may be
    /// and keeps an old low outlier from counting as the pre-spike level.
    /// </summary>
    public int BaselineWindow { get; set; } = 50;

    /// <summary>
    /// When λ_max is known both before and after an episode, require it to be lower afterwards (the definition of a catapult
    /// in the README's Conventions); default true. Episodes failing this are reported in <see cref="CatapultDetector.Spikes"/> only.
    /// </summary>
    public bool RequireSharpnessDecrease { get; set; } = true;

    /// <summary>
    /// A preset for a raw mini-batch loss curve recorded every step without λ_max (for example a cell of the
    /// feature-strength sweep, where each step sees fresh samples): <see cref="SmoothingWindow"/> 9, so that a rise
    /// must last at least five steps and the batch-to-batch noise (and single heavy-tailed batches) is filtered out;
    /// <see cref="RiseFactor"/> 4, well above the spread of a 9-point running median of a loss whose log varies by
    /// about ±0.5 from batch to batch; <see cref="ReturnFactor"/> 1.5, because the pre-spike level is the minimum of
    /// the noisy smoothed curve over <see cref="BaselineWindow"/> 50 points and so lies below its typical value;
    /// <see cref="RequireSharpnessDecrease"/> false, because the curve carries no λ.
    /// </summary>
    public static CatapultDetectorOptions ForMiniBatchLoss() => new()
    {
        SmoothingWindow = 9,
        RiseFactor = 4.0,
        ReturnFactor = 1.5,
        BaselineWindow = 50,
        RequireSharpnessDecrease = false,
    };

    /// <summary>A shallow copy.</summary>
    public CatapultDetectorOptions Clone() => (CatapultDetectorOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (SmoothingWindow < 1 || SmoothingWindow % 2 == 0)
            throw new ArgumentException($"SmoothingWindow must be a positive odd number, got {SmoothingWindow}.", nameof(SmoothingWindow));
        if (!(RiseFactor > 1) || !double.IsFinite(RiseFactor)) throw new ArgumentException($"RiseFactor must be finite and > 1, got {RiseFactor}.", nameof(RiseFactor));
        if (!(ReturnFactor >= 1) || !(ReturnFactor < RiseFactor))
            throw new ArgumentException($"ReturnFactor must be in [1, RiseFactor), got {ReturnFactor}.", nameof(ReturnFactor));
        if (BaselineWindow < 1) throw new ArgumentException($"BaselineWindow must be at least 1, got {BaselineWindow}.", nameof(BaselineWindow));
    }
}

/// <summary>One point of a loss stream: the loss at a step, and optionally λ_max(K) there.</summary>
/// <param name="Step">The training step (increasing along the stream).</param>
/// <param name="Loss">The loss (full training loss, or a batch loss).</param>
/// <param name="Sharpness">λ_max of the NTK at the same weights, when known.</param>
public readonly record struct LossPoint(int Step, double Loss, double? Sharpness = null);

/// <summary>A catapult: the loss rose clearly above its pre-spike level and came back below it.</summary>
/// <param name="StartStep">The last low point before the rise (the pre-spike level).</param>
/// <param name="PeakStep">Where the loss was highest during the episode.</param>
/// <param name="EndStep">The first point after the peak back at or below the start level.</param>
/// <param name="StartLoss">Loss at <paramref name="StartStep"/>.</param>
/// <param name="PeakLoss">Loss at <paramref name="PeakStep"/>.</param>
/// <param name="EndLoss">Loss at <paramref name="EndStep"/>.</param>
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

/// <summary>
/// Finds catapults in a loss stream. Points are added as training goes (or all at once); detection runs over the
/// whole stream each time <see cref="Events"/> is read, so an episode is reported once the loss has come back.
/// </summary>
/// <remarks>
/// Detection works on log-loss smoothed by a centred running median. An episode starts when the smoothed loss
/// exceeds <see cref="CatapultDetectorOptions.RiseFactor"/> times its minimum over the last
/// <see cref="CatapultDetectorOptions.BaselineWindow"/> points; its start is that minimum, its end the first later
/// point back at or below <see cref="CatapultDetectorOptions.ReturnFactor"/> times the start level, and its peak
/// the highest raw loss in between. A rise that has not come back by the end of the stream is not (yet) an event;
/// see <see cref="OpenEpisodeStart"/>. Non-finite losses end detection (the run diverged).
/// </remarks>
public sealed class CatapultDetector
{
    private readonly List<LossPoint> _points = new();

    /// <summary>Creates a detector with <paramref name="options"/> (defaults when null).</summary>
    public CatapultDetector(CatapultDetectorOptions? options = null)
    {
        Options = (options ?? new CatapultDetectorOptions()).Clone();
        Options.Validate();
    }

    /// <summary>The options (a copy of those given).</summary>
    public CatapultDetectorOptions Options { get; }

    /// <summary>The points added so far.</summary>
    public IReadOnlyList<LossPoint> Points => _points;

    /// <summary>Adds a point; steps must increase.</summary>
    public void Add(int step, double loss, double? sharpness = null) => Add(new LossPoint(step, loss, sharpness));

    /// <summary>Adds a point; steps must increase.</summary>
    public void Add(LossPoint point)
    {
        if (_points.Count > 0 && point.Step <= _points[^1].Step)
            throw new ArgumentException($"Steps must increase: got {point.Step} after {_points[^1].Step}.", nameof(point));
        _points.Add(point);
    }

    /// <summary>Catapults found so far (episodes that came back, and whose λ_max dropped when that is required and known).</summary>
    public IReadOnlyList<CatapultEvent> Events => Detect(_points, Options);

    /// <summary>Every completed spike episode, whether or not λ_max dropped.</summary>
    public IReadOnlyList<CatapultEvent> Spikes => Analyse(_points, Options, out _);

    /// <summary>The start step of a rise still in progress at the end of the stream, if any.</summary>
    public int? OpenEpisodeStart
    {
        get
        {
            Analyse(_points, Options, out int? open);
            return open;
        }
    }

    /// <summary>Catapults in a whole stream.</summary>
    public static IReadOnlyList<CatapultEvent> Detect(IReadOnlyList<LossPoint> points, CatapultDetectorOptions? options = null)
    {
        var o = options ?? new CatapultDetectorOptions();
        o.Validate();
        var spikes = Analyse(points, o, out _);
        return o.RequireSharpnessDecrease ? spikes.Where(e => e.SharpnessDecreased != false).ToList() : spikes;
    }

    /// <summary>Catapults in a plain loss curve whose i-th value is step i.</summary>
    public static IReadOnlyList<CatapultEvent> Detect(IReadOnlyList<double> losses, CatapultDetectorOptions? options = null) =>
        Detect(losses.Select((l, i) => new LossPoint(i, l)).ToList(), options);

    private static List<CatapultEvent> Analyse(IReadOnlyList<LossPoint> all, CatapultDetectorOptions o, out int? openStart)
    {
        ArgumentNullException.ThrowIfNull(all);
        openStart = null;
        for (int i = 1; i < all.Count; i++)
            if (all[i].Step <= all[i - 1].Step)
                throw new ArgumentException($"Steps must increase: point {i} has step {all[i].Step} after {all[i - 1].Step}.", nameof(all));
        // Detection stops at the first non-finite or non-positive loss: beyond it the run has diverged.
        int count = 0;
        while (count < all.Count && double.IsFinite(all[count].Loss) && all[count].Loss > 0) count++;
        var events = new List<CatapultEvent>();
        if (count < 3) return events;

        var smooth = SmoothedLog(all, count, o.SmoothingWindow);
        double rise = Math.Log(o.RiseFactor), back = Math.Log(o.ReturnFactor);
        int from = 0;
        int t = 1;
        while (t < count)
        {
            int windowStart = Math.Max(from, t - o.BaselineWindow);
            int start = windowStart;
            for (int i = windowStart; i < t; i++)
                if (smooth[i] <= smooth[start]) start = i;
            if (smooth[t] - smooth[start] <= rise)
            {
                t++;
                continue;
            }
            // In an episode: find where it comes back to the start level.
            int end = -1;
            int highest = t;
            for (int i = t + 1; i < count; i++)
            {
                if (smooth[i] > smooth[highest]) highest = i;
                if (smooth[i] - smooth[start] <= back)
                {
                    end = i;
                    break;
                }
            }
            if (end < 0)
            {
                openStart = all[start].Step;
                break;
            }
            int peak = start;
            for (int i = start; i <= end; i++)
                if (all[i].Loss > all[peak].Loss) peak = i;
            events.Add(new CatapultEvent(all[start].Step, all[peak].Step, all[end].Step, all[start].Loss, all[peak].Loss, all[end].Loss,
                SharpnessAtOrBefore(all, start), SharpnessAtOrAfter(all, end, all.Count)));
            from = end;
            t = end + 1;
        }
        return events;
    }

    private static double[] SmoothedLog(IReadOnlyList<LossPoint> points, int count, int window)
    {
        var log = new double[count];
        for (int i = 0; i < count; i++) log[i] = Math.Log(points[i].Loss);
        if (window == 1) return log;
        int half = window / 2;
        var smooth = new double[count];
        var buffer = new List<double>(window);
        for (int i = 0; i < count; i++)
        {
            buffer.Clear();
            for (int j = Math.Max(0, i - half); j <= Math.Min(count - 1, i + half); j++) buffer.Add(log[j]);
            buffer.Sort();
            smooth[i] = buffer.Count % 2 == 1 ? buffer[buffer.Count / 2] : 0.5 * (buffer[buffer.Count / 2 - 1] + buffer[buffer.Count / 2]);
        }
        return smooth;
    }

    private static double? SharpnessAtOrBefore(IReadOnlyList<LossPoint> points, int index)
    {
        for (int i = index; i >= 0; i--)
            if (points[i].Sharpness is double s && double.IsFinite(s)) return s;
        return null;
    }

    private static double? SharpnessAtOrAfter(IReadOnlyList<LossPoint> points, int index, int count)
    {
        for (int i = index; i < count; i++)
            if (points[i].Sharpness is double s && double.IsFinite(s)) return s;
        return null;
    }
}
