using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;

namespace Catapults.ML.Features;

/// <summary>
/// An AGOP feature map, fitted once from an AGOP G and then applied to any number of batches: x ↦ G^p x (default
/// p = ½) or x ↦ V_rᵀ x onto the top-r eigenvectors of G. Its whole state is a float matrix plus its shape
/// (<see cref="ToState"/> / <see cref="FromState"/>), so it can be saved and restored without TorchSharp.
/// </summary>
/// <remarks>
/// Inputs are flattened, so image-shaped batches [n, C, H, W] map like [n, C·H·W]. The map keeps a device copy of
/// M for tensor transforms; dispose it to release that copy.
/// </remarks>
public sealed class AgopFeatureMap : IDisposable
{
    private readonly AgopFeatureMapState _state;
    private Tensor? _deviceMatrixTransposed;
    private bool _disposed;

    private AgopFeatureMap(AgopFeatureMapState state) => _state = state;

    /// <summary>Which map this is.</summary>
    public AgopFeatureMapKind Kind => _state.Kind;

    /// <summary>d, the number of input features.</summary>
    public int InputDimension => _state.InputDimension;

    /// <summary>k, the number of output features.</summary>
    public int OutputDimension => _state.OutputDimension;

    /// <summary>The eigenvalues of the (normalised) G the map was fitted from, descending.</summary>
    public IReadOnlyList<double> Eigenvalues => _state.Eigenvalues;

    /// <summary>Fits the map from an AGOP G [d, d] (symmetric PSD, e.g. from <see cref="Agop.Compute(NetworkModule, TensorDataset, AgopOptions?)"/>).</summary>
    public static AgopFeatureMap Fit(Tensor agop, AgopFeatureMapOptions? options = null)
    {
        var opts = options ?? new AgopFeatureMapOptions();
        opts.Validate();
        using var scope = torch.NewDisposeScope();
        var g = SymmetricMatrices.CheckedSymmetric(agop, "AGOP", nameof(agop));
        if (g.dim() != 2)
            throw new ArgumentException($"The feature map is fitted from one AGOP [d, d], got [{string.Join(", ", g.shape)}] (use summed outputs, not PerOutput).", nameof(agop));
        int d = (int)g.shape[0];
        if (opts.Kind == AgopFeatureMapKind.TopEigenvectors && opts.Rank > d)
            throw new ArgumentException($"AgopFeatureMapOptions.Rank {opts.Rank} exceeds the input dimension {d}.", nameof(options));
        if (opts.NormalizeTrace) g = SymmetricMatrices.NormalizeTrace(g, "AGOP");
        var (values, vectors) = SymmetricMatrices.Eigen(g.cpu());
        Tensor matrix = opts.Kind switch
        {
            AgopFeatureMapKind.MatrixPower => torch.mm(vectors * SymmetricMatrices.PoweredEigenvalues(values, opts.Power).unsqueeze(0), vectors.t()),
            _ => vectors.narrow(1, 0, opts.Rank).t(),
        };
        if (opts.Kind == AgopFeatureMapKind.MatrixPower) matrix = KeptScalars.HalfSum(matrix, matrix.t());
        // The map is stored in float32; a large power of a large eigenvalue overflows it to ∞ and NaN, which FromState
        // would refuse and Transform would spread into every output.
        if (!matrix.to_type(ScalarType.Float32).isfinite().all().ReadBoolean())
            throw new ArgumentException(
                $"G^{opts.Power} overflows float32 (largest eigenvalue {values[0].ReadDouble():G6}); use a smaller AgopFeatureMapOptions.Power" +
                (opts.NormalizeTrace ? "." : " or set AgopFeatureMapOptions.NormalizeTrace."), nameof(options));
        var state = new AgopFeatureMapState
        {
            Kind = opts.Kind,
            Power = opts.Power,
            NormalizeTrace = opts.NormalizeTrace,
            BatchSize = opts.BatchSize,
            InputDimension = d,
            OutputDimension = (int)matrix.shape[0],
            Matrix = matrix.to_type(ScalarType.Float32).contiguous().data<float>().ToArray(),
            Eigenvalues = values.data<double>().ToArray(),
        };
        return new AgopFeatureMap(state);
    }

    /// <summary>Fits the map from the AGOP of <paramref name="model"/> over the features of <paramref name="data"/>.</summary>
    public static AgopFeatureMap Fit(NetworkModule model, TensorDataset data, AgopFeatureMapOptions? options = null, AgopOptions? agopOptions = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(model, data.Features, options, agopOptions);
    }

    /// <summary>
    /// Fits the map from the AGOP of <paramref name="model"/> over <paramref name="features"/>. The AGOP options must
    /// leave <see cref="AgopOptions.Power"/> at 1 and <see cref="AgopOptions.PerOutput"/> off: the map applies its own power.
    /// </summary>
    public static AgopFeatureMap Fit(NetworkModule model, Tensor features, AgopFeatureMapOptions? options = null, AgopOptions? agopOptions = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        (options ?? new AgopFeatureMapOptions()).Validate();
        CheckAgopOptions(agopOptions);
        using var scope = torch.NewDisposeScope();
        var g = Agop.Compute(model, features, agopOptions);
        return Fit(g, options);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="agopOptions"/> cannot give the G a map is fitted to:
    /// <see cref="AgopOptions.Power"/> other than 1 (the map applies its own power) or <see cref="AgopOptions.PerOutput"/>
    /// on (the map uses G summed over outputs). Null, the engine's defaults, passes.
    /// </summary>
    public static void CheckAgopOptions(AgopOptions? agopOptions)
    {
        if (agopOptions is { Power: not 1.0 })
            throw new ArgumentException("AgopOptions.Power must be 1 when fitting a feature map; set AgopFeatureMapOptions.Power instead.", nameof(agopOptions));
        if (agopOptions is { PerOutput: true })
            throw new ArgumentException("AgopOptions.PerOutput must be off when fitting a feature map: the map uses the AGOP summed over outputs.", nameof(agopOptions));
    }

    /// <summary>Restores a map from its state (checked: version, dimensions, matrix length, finite entries, d eigenvalues in descending order).</summary>
    public static AgopFeatureMap FromState(AgopFeatureMapState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Version != AgopFeatureMapState.CurrentVersion)
            throw new ArgumentException($"AgopFeatureMapState.Version {state.Version} is not supported; this code reads version {AgopFeatureMapState.CurrentVersion}.", nameof(state));
        OptionChecks.RequireDefined(state.Kind, "AgopFeatureMapState.Kind", nameof(state));
        if (state.InputDimension < 1 || state.OutputDimension < 1)
            throw new ArgumentException($"AgopFeatureMapState dimensions must be positive, got [{state.OutputDimension}, {state.InputDimension}].", nameof(state));
        if (state.Kind == AgopFeatureMapKind.MatrixPower && state.OutputDimension != state.InputDimension)
            throw new ArgumentException($"A MatrixPower map is square, but the state has [{state.OutputDimension}, {state.InputDimension}].", nameof(state));
        if (state.BatchSize < 1) throw new ArgumentException($"AgopFeatureMapState.BatchSize must be at least 1, got {state.BatchSize}.", nameof(state));
        long expected = (long)state.OutputDimension * state.InputDimension;
        if (state.Matrix is null || state.Matrix.Length != expected)
            throw new ArgumentException($"AgopFeatureMapState.Matrix must hold {expected} values ([{state.OutputDimension}, {state.InputDimension}] row-major), got {state.Matrix?.Length ?? 0}.", nameof(state));
        for (int i = 0; i < state.Matrix.Length; i++)
            if (!float.IsFinite(state.Matrix[i])) throw new ArgumentException($"AgopFeatureMapState.Matrix[{i}] is not finite.", nameof(state));
        // Reported as G's spectrum: all d of them, descending, as Fit records them.
        if (state.Eigenvalues is null || state.Eigenvalues.Length != state.InputDimension)
            throw new ArgumentException($"AgopFeatureMapState.Eigenvalues must hold the {state.InputDimension} eigenvalues of G, got {state.Eigenvalues?.Length ?? 0}.", nameof(state));
        for (int i = 0; i < state.Eigenvalues.Length; i++)
            if (!double.IsFinite(state.Eigenvalues[i]) || (i > 0 && state.Eigenvalues[i] > state.Eigenvalues[i - 1]))
                throw new ArgumentException($"AgopFeatureMapState.Eigenvalues[{i}] is {state.Eigenvalues[i]:G6}; they are finite and in descending order.", nameof(state));
        return new AgopFeatureMap(Copy(state));
    }

    /// <summary>A copy of the fitted state, for saving.</summary>
    public AgopFeatureMapState ToState() => Copy(_state);

    /// <summary>The matrix M of y = M x as a new float64 tensor [k, d] (joins the caller's dispose scope).</summary>
    public Tensor Matrix()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        return torch.tensor(_state.Matrix, new long[] { OutputDimension, InputDimension }).to_type(ScalarType.Float64).MoveToOuterDisposeScope();
    }

    private static AgopFeatureMapState Copy(AgopFeatureMapState state) => new()
    {
        Version = state.Version,
        Kind = state.Kind,
        Power = state.Power,
        NormalizeTrace = state.NormalizeTrace,
        BatchSize = state.BatchSize,
        InputDimension = state.InputDimension,
        OutputDimension = state.OutputDimension,
        Matrix = (float[])state.Matrix.Clone(),
        Eigenvalues = (double[])(state.Eigenvalues ?? Array.Empty<double>()).Clone(),
    };

    /// <summary>
    /// Maps a batch [n, d] or [n, ...] (flattened to d features) to [n, k] float32, on the batch's device, in chunks of
    /// the fitted batch size. The result joins the caller's dispose scope.
    /// </summary>
    public Tensor Transform(Tensor features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() < 2 || !features.is_floating_point())
            throw new ArgumentException($"The feature map takes a floating batch [n, ...], got [{string.Join(", ", features.shape)}] {features.dtype}.", nameof(features));
        long n = features.shape[0];
        long d = features.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        if (d != InputDimension)
            throw new ArgumentException($"The feature map was fitted on {InputDimension} features but the batch has {d} (shape [{string.Join(", ", features.shape)}]).", nameof(features));
        var mt = DeviceMatrixTransposed(features.device);
        using var scope = torch.NewDisposeScope();
        var result = torch.empty(new long[] { n, OutputDimension }, ScalarType.Float32, features.device);
        for (long start = 0; start < n; start += _state.BatchSize)
        {
            long count = Math.Min(_state.BatchSize, n - start);
            using var batchScope = torch.NewDisposeScope();
            var x = features.narrow(0, start, count).reshape(count, d).to_type(ScalarType.Float32);
            result.narrow(0, start, count).copy_(torch.mm(x, mt));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Maps one row without tensors (for row-by-row callers); accumulates in double.</summary>
    /// <param name="input">d features.</param>
    /// <param name="output">k values, overwritten.</param>
    public void Transform(ReadOnlySpan<float> input, Span<float> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (input.Length != InputDimension)
            throw new ArgumentException($"The feature map was fitted on {InputDimension} features but the row has {input.Length}.", nameof(input));
        if (output.Length != OutputDimension)
            throw new ArgumentException($"The feature map produces {OutputDimension} features but the destination has room for {output.Length}.", nameof(output));
        var m = _state.Matrix;
        int d = InputDimension;
        for (int r = 0; r < OutputDimension; r++)
        {
            var row = m.AsSpan(r * d, d);
            double sum = 0;
            for (int j = 0; j < d; j++) sum += (double)row[j] * input[j];
            output[r] = (float)sum;
        }
    }

    private Tensor DeviceMatrixTransposed(Device device)
    {
        if (_deviceMatrixTransposed is null || _deviceMatrixTransposed.device != device)
        {
            TorchRuntime.EnsureLoaded();
            _deviceMatrixTransposed?.Dispose();
            using var scope = torch.NewDisposeScope();
            var m = torch.tensor(_state.Matrix, new long[] { OutputDimension, InputDimension }).to(device);
            _deviceMatrixTransposed = m.t().contiguous().DetachFromDisposeScope();
        }
        return _deviceMatrixTransposed;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _deviceMatrixTransposed?.Dispose();
        _deviceMatrixTransposed = null;
    }
}
