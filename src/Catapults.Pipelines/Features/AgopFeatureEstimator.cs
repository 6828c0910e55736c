using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.Pipelines.Trainers;
using Catapults.Pipelines.Prediction;
using TorchSharp;

namespace Catapults.Pipelines.Features;

/// <summary>
/// Fits an AGOP feature map: computes the average gradient outer product G = 1/n Σᵢ Σ_c ∇ₓf_c(xᵢ) ∇ₓf_c(xᵢ)ᵀ of a
/// network over the input column of the data it is fitted on, and produces a transformer that adds a new vector column,
/// G^p x (p = ½ by default) or the coordinates V_rᵀ x of x along the top-r eigenvectors of G, keeping every input column.
/// Reached through <c>mlContext.Transforms.AgopFeatures(...)</c>.
/// </summary>
/// <remarks>
/// The network is one of: a network transformer trained by this library (<see cref="Options.Network"/>), a network
/// trainer run on the fitted data first (<see cref="Options.Trainer"/>), or any <see cref="NetworkModule"/>
/// (<see cref="Options.Model"/>). A supplied network or model is read, never changed or disposed.
/// </remarks>
public sealed class AgopFeatureEstimator : IEstimator<AgopFeatureTransformer>
{
    /// <summary>Options of the AGOP feature estimator; every default is stated.</summary>
    public sealed class Options
    {
        /// <summary>The default of <see cref="InputColumnName"/>: "Features".</summary>
        public const string DefaultInputColumnName = "Features";

        /// <summary>The default of <see cref="OutputColumnName"/>: "AgopFeatures".</summary>
        public const string DefaultOutputColumnName = "AgopFeatures";

        /// <summary>The column G is computed over and the map is applied to (a known-size vector of Single); default <see cref="DefaultInputColumnName"/>.</summary>
        public string InputColumnName { get; set; } = DefaultInputColumnName;

        /// <summary>The new column; default <see cref="DefaultOutputColumnName"/>. A name already in the input hides that column, as in ML.NET.</summary>
        public string OutputColumnName { get; set; } = DefaultOutputColumnName;

        /// <summary>
        /// The map fitted to G, the engine's options embedded: its kind (G^p x or the top-r projection V_rᵀ x), power
        /// p, rank r, trace normalisation and rows per product. Default: the engine's defaults (G^½ x, r = 10 for the
        /// projection) except <see cref="AgopFeatureMapOptions.NormalizeTrace"/>, on here (off in the engine): the
        /// features feed another learner, so their scale should not depend on the network's.
        /// </summary>
        public AgopFeatureMapOptions Map { get; set; } = new() { NormalizeTrace = true };

        /// <summary>
        /// How G is computed, the engine's options embedded: rows per gradient batch (default
        /// <see cref="AgopOptions.DefaultBatchSize"/>) and centring (default off). <see cref="AgopOptions.Power"/> must
        /// stay 1 and <see cref="AgopOptions.PerOutput"/> off: the map applies its own power to G summed over outputs.
        /// </summary>
        public AgopOptions Agop { get; set; } = new();

        /// <summary>Use at most this many rows of the fitted data to compute G; default null (all rows).</summary>
        public int? MaximumRows { get; set; }

        /// <summary>A trained network transformer whose network gives G; default null. Not disposed by the estimator.</summary>
        public TorchNetworkPredictionTransformer? Network { get; set; }

        /// <summary>
        /// A network trainer fitted on the data first (its own feature and label columns), whose network gives G and is
        /// then disposed; default null.
        /// </summary>
        public IEstimator<TorchNetworkPredictionTransformer>? Trainer { get; set; }

        /// <summary>Any network module f: [n, d] → [n, O] whose G is used; default null. Not disposed by the estimator.</summary>
        public NetworkModule? Model { get; set; }

        /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
        public void Validate()
        {
            if (string.IsNullOrWhiteSpace(InputColumnName)) throw new ArgumentException("InputColumnName must be given.", nameof(InputColumnName));
            if (string.IsNullOrWhiteSpace(OutputColumnName)) throw new ArgumentException("OutputColumnName must be given.", nameof(OutputColumnName));
            int sources = (Network is null ? 0 : 1) + (Trainer is null ? 0 : 1) + (Model is null ? 0 : 1);
            if (sources != 1)
                throw new ArgumentException(
                    $"Exactly one of Network, Trainer and Model must be set to say which network's AGOP to use; {sources} are set.", nameof(Network));
            if (MaximumRows is < 1) throw new ArgumentException($"MaximumRows must be at least 1 (or null for all rows), got {MaximumRows}.", nameof(MaximumRows));
            if (Map is null) throw new ArgumentException("Map must be given (the engine's AgopFeatureMapOptions).", nameof(Map));
            if (Agop is null) throw new ArgumentException("Agop must be given (the engine's AgopOptions).", nameof(Agop));
            Map.Validate();
            Agop.Validate();
            AgopFeatureMap.CheckAgopOptions(Agop);
        }

        // The embedded engine options are mutable, so a snapshot copies them too.
        internal Options Clone()
        {
            var copy = (Options)MemberwiseClone();
            copy.Map = Map.Clone();
            copy.Agop = Agop.Clone();
            return copy;
        }
    }

    private readonly Options _options;

    /// <summary>Creates the estimator (the options are validated and copied).</summary>
    public AgopFeatureEstimator(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
    }

    /// <summary>Computes G on <paramref name="input"/> and fits the map.</summary>
    public AgopFeatureTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (column, d) = ColumnChecks.Features(input.Schema, _options.InputColumnName);
        if (_options.Map.Kind == AgopFeatureMapKind.TopEigenvectors && _options.Map.Rank > d)
            throw new ArgumentException($"Rank {_options.Map.Rank} exceeds the {d} slots of column '{_options.InputColumnName}'.", nameof(input));
        TorchNetworkPredictionTransformer? trained = null;
        try
        {
            NetworkModule model;
            string source;
            if (_options.Model is { } m)
            {
                model = m;
                source = m.Describe();
            }
            else
            {
                var network = _options.Network ?? (trained = _options.Trainer!.Fit(input));
                if (network.Model.Network.IsDisposed) throw new ObjectDisposedException(null, TorchNetworkModelParameters.DisposedMessage);
                model = network.Model.Network;
                source = $"{network.GetType().Name}: {network.Model.Description}";
            }
            if (model.InputDimension != d)
                throw new ArgumentException(
                    $"Column '{_options.InputColumnName}' has {d} slots, but the network takes {model.InputDimension} features.", nameof(input));

            using var scope = torch.NewDisposeScope();
            var features = FeatureMatrixReader.Read(input, column, d, _options.MaximumRows, "the AGOP");
            var device = model.parameters().FirstOrDefault()?.device;
            if (device is not null && device.type != DeviceType.CPU) features = features.to(device);
            var map = AgopFeatureMap.Fit(model, features, _options.Map, _options.Agop);
            return new AgopFeatureTransformer(_options.InputColumnName, _options.OutputColumnName, map, source);
        }
        finally
        {
            trained?.Dispose();
        }
    }

    /// <summary>The input shape plus the new vector column of Single.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.Features(inputSchema, _options.InputColumnName);
        // A trainer fitted first needs its own columns (its label above all): checked here, as Fit would find them missing.
        _options.Trainer?.GetOutputSchema(inputSchema);
        // A shape does not carry vector sizes, so the size given here is only a placeholder.
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(_options.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, 1));
        var added = OutputShapes.FromSchema(builder.ToSchema()).Single();
        var result = inputSchema.ToList();
        int existing = result.FindIndex(c => c.Name == added.Name);
        if (existing >= 0) result.RemoveAt(existing);
        result.Add(added);
        return new SchemaShape(result);
    }
}
