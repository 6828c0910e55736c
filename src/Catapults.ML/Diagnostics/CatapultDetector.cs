namespace Catapults.ML.Diagnostics;

/// <summary>
/// Finds catapults in a loss stream. Points are added as training goes (or all at once); detection runs over the
/// whole stream each time <see cref="Events"/> is read, so an episode is reported once the loss has come back.
/// </summary>
/// <remarks>
/// Detection works on the loss smoothed by a centred running median (where the window is cut to an even count at the
/// stream's ends, the median of the logs: the geometric mean of the middle two, since spikes are multiplicative). An
/// episode starts when the smoothed loss exceeds <see cref="CatapultDetectorOptions.RiseFactor"/> times its minimum
/// over the last <see cref="CatapultDetectorOptions.BaselineWindow"/> points, a window that never reaches back past the
/// previous episode's end (a new episode is measured from after the last one); its start is that minimum, its end the first later
/// point back at or below <see cref="CatapultDetectorOptions.ReturnFactor"/> times the start level, and its peak
/// the highest raw loss in between. A rise that has not come back by the end of the stream is not (yet) an event;
/// see <see cref="OpenEpisodeStart"/>. Non-finite losses end detection (the run diverged), and so does a loss of exactly
/// 0 (an exact fit): no rise can be measured as a factor of it. A negative loss is refused: the losses this
/// detector is for (squared error, cross-entropy) are never negative.
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
        if (point.Loss < 0) throw new ArgumentException($"The loss at step {point.Step} is negative ({point.Loss:G4}); losses are at least 0.", nameof(point));
        if (_points.Count > 0 && point.Step <= _points[^1].Step)
            throw new ArgumentException($"Steps must increase: got {point.Step} after {_points[^1].Step}.", nameof(point));
        _points.Add(point);
    }

    /// <summary>Catapults found so far (episodes that came back, and whose λ_max dropped when that is required and known).</summary>
    public IReadOnlyList<CatapultEvent> Events => Detect(_points, Options);

    /// <summary>Every completed spike episode, whether or not λ_max dropped.</summary>
    public IReadOnlyList<CatapultEvent> Spikes => Analyse(_points, Options, nameof(Points), out _);

    /// <summary>
    /// The catapults of <see cref="Events"/> whose λ_max drop stands out from λ_max's drift between spikes in this
    /// stream (<see cref="SharpnessDrift"/>); empty where no λ_max was recorded.
    /// </summary>
    public IReadOnlyList<CatapultEvent> ClearEvents => JudgeDrift().Clear;

    /// <summary>
    /// <see cref="Events"/>, with those of them that are clear and those that cannot be judged
    /// (<see cref="SharpnessDrift.Judge"/>), from one detection pass over the stream.
    /// </summary>
    public (IReadOnlyList<CatapultEvent> Events, IReadOnlyList<CatapultEvent> Clear, IReadOnlyList<CatapultEvent> Unjudged) JudgeDrift()
    {
        var spikes = Spikes;
        var events = CatapultsAmong(spikes, Options);
        var (clear, unjudged) = SharpnessDrift.Judge(_points, spikes, events);
        return (events, clear, unjudged);
    }

    /// <summary>The start step of a rise still in progress at the end of the stream, if any.</summary>
    public int? OpenEpisodeStart
    {
        get
        {
            Analyse(_points, Options, nameof(Points), out int? open);
            return open;
        }
    }

    /// <summary>Catapults in a whole stream.</summary>
    public static IReadOnlyList<CatapultEvent> Detect(IReadOnlyList<LossPoint> points, CatapultDetectorOptions? options = null) =>
        DetectStream(points, options, nameof(points));

    // A refused stream is named as the caller's argument (points or losses), not as this class's helpers'.
    private static IReadOnlyList<CatapultEvent> DetectStream(IReadOnlyList<LossPoint> points, CatapultDetectorOptions? options, string paramName)
    {
        var o = options ?? new CatapultDetectorOptions();
        o.Validate();
        var spikes = Analyse(points, o, paramName, out _);
        return CatapultsAmong(spikes, o);
    }

    // The spikes that count as catapults: those whose λ_max did not rise, where the options require a drop.
    private static IReadOnlyList<CatapultEvent> CatapultsAmong(IReadOnlyList<CatapultEvent> spikes, CatapultDetectorOptions o) =>
        o.RequireSharpnessDecrease ? spikes.Where(e => e.SharpnessDecreased != false).ToList() : spikes;

    /// <summary>Catapults in a plain loss curve whose i-th value is step i.</summary>
    public static IReadOnlyList<CatapultEvent> Detect(IReadOnlyList<double> losses, CatapultDetectorOptions? options = null)
    {
        // Checked here so that the message names this argument, not LINQ's 'source'.
        ArgumentNullException.ThrowIfNull(losses);
        return DetectStream(losses.Select((l, i) => new LossPoint(i, l)).ToList(), options, nameof(losses));
    }

    private static List<CatapultEvent> Analyse(IReadOnlyList<LossPoint> all, CatapultDetectorOptions o, string paramName, out int? openStart)
    {
        ArgumentNullException.ThrowIfNull(all, paramName);
        openStart = null;
        for (int i = 1; i < all.Count; i++)
            if (all[i].Step <= all[i - 1].Step)
                throw new ArgumentException($"Steps must increase: point {i} has step {all[i].Step} after {all[i - 1].Step}.", paramName);
        for (int i = 0; i < all.Count; i++)
            if (all[i].Loss < 0)
                throw new ArgumentException($"The loss at step {all[i].Step} (point {i}) is negative ({all[i].Loss:G4}); losses are at least 0.", paramName);
        // Detection stops at the first non-finite loss (beyond it the run has diverged) or exact zero (see the remarks).
        int count = 0;
        while (count < all.Count && double.IsFinite(all[count].Loss) && all[count].Loss > 0) count++;
        var events = new List<CatapultEvent>();

        // The rule is compared on the losses themselves, not on logs: a rise exactly RiseFactor times the start then
        // reads the same at every scale (differences of logs round differently at 5 and at 1).
        var smooth = Smoothed(all, count, o.SmoothingWindow);
        int from = 0;
        int t = 1;
        while (t < count)
        {
            int windowStart = Math.Max(from, t - o.BaselineWindow);
            int start = windowStart;
            for (int i = windowStart; i < t; i++)
                if (smooth[i] <= smooth[start]) start = i;
            if (!(smooth[t] > o.RiseFactor * smooth[start]))
            {
                t++;
                continue;
            }
            // In an episode: find where it comes back to the start level.
            int end = -1;
            for (int i = t + 1; i < count; i++)
            {
                if (smooth[i] <= o.ReturnFactor * smooth[start])
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
            // The peak lies strictly between the start and the end (the end is the first point after the peak back at
            // the start level): at those two points the smoothed loss stood at the start level, and a raw outlier there,
            // which the median hid, is no part of the episode.
            int peak = start + 1;
            for (int i = start + 2; i < end; i++)
                if (all[i].Loss > all[peak].Loss) peak = i;
            // The start and end levels are the smoothed ones the rule compared: a single high outlier at the start point
            // would otherwise stand as the pre-spike level (a 1 → 10 rise reported with a peak ratio of 1.7).
            events.Add(new CatapultEvent(all[start].Step, all[peak].Step, all[end].Step, smooth[start], all[peak].Loss, smooth[end],
                SharpnessAtOrBefore(all, start), SharpnessAtOrAfter(all, end, all.Count)));
            from = end;
            t = end + 1;
        }
        return events;
    }

    // The centred running median; where the window is cut to an even count at the ends, the geometric mean of the middle
    // two (the median of the logs; see the remarks).
    private static double[] Smoothed(IReadOnlyList<LossPoint> points, int count, int window)
    {
        var losses = new double[count];
        for (int i = 0; i < count; i++) losses[i] = points[i].Loss;
        if (window == 1) return losses;
        // A window wider than the stream takes the whole stream at every point: clamping it to the count gives the
        // same medians without sizing the buffer (or i + half) by an arbitrarily large option.
        int half = Math.Min(window / 2, count);
        var smooth = new double[count];
        var buffer = new List<double>(Math.Min(window, count));
        for (int i = 0; i < count; i++)
        {
            buffer.Clear();
            for (int j = Math.Max(0, i - half); j <= Math.Min(count - 1, i + half); j++) buffer.Add(losses[j]);
            buffer.Sort();
            smooth[i] = buffer.Count % 2 == 1 ? buffer[buffer.Count / 2] : GeometricMean(buffer[buffer.Count / 2 - 1], buffer[buffer.Count / 2]);
        }
        return smooth;
    }

    // √(ab) for 0 < a ≤ b, as a·√(b/a): exact when a = b, and no underflow or overflow of the product at 1e±200.
    private static double GeometricMean(double a, double b) => a * Math.Sqrt(b / a);

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
