using Catapults.ML.Models;
using Catapults.ML.Runtime;

namespace Catapults.Study.Infrastructure;

/// <summary>The options every experiment shares: data, architecture, seeds, output folder, resume, threads.</summary>
public sealed class CommonOptions
{
    /// <summary>--quick: the smoke-test preset.</summary>
    public Option<bool> Quick { get; } = new("--quick") { Description = "Small preset that finishes in seconds (the tests run it)." };
    /// <summary>--out.</summary>
    public Option<string?> Output { get; } = new("--out") { Description = "Output folder (default runs/<experiment>[-quick])." };
    /// <summary>The name of <see cref="Resume"/>, for messages that tell a command with it to leave it out.</summary>
    public const string ResumeName = "--resume";
    /// <summary>--resume.</summary>
    public Option<bool> Resume { get; } = new(ResumeName) { Description = "Keep finished runs and continue unfinished ones from their last checkpoint." };
    /// <summary>--checkpoint-every.</summary>
    public Option<int?> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "Steps between checkpoints that --resume continues from; a multiple of --record-every, 0 for none (default: the experiment's)." };
    /// <summary>--seeds.</summary>
    public Option<int?> Seeds { get; } = new("--seeds") { Description = "Number of seeds (0, 1, …) per configuration." };
    /// <summary>--dataset.</summary>
    public Option<string> Dataset { get; } = new("--dataset") { Description = "rank2, rank4, cifar10, svhn or celeba.", DefaultValueFactory = _ => "rank2" };
    /// <summary>--data-root.</summary>
    public Option<string?> DataRoot { get; } = new("--data-root") { Description = "Folder of the downloaded image datasets (or CATAPULTS_DATA)." };
    /// <summary>--arch.</summary>
    public Option<string> Architecture { get; } = new("--arch") { Description = "ModelFactory name: fcn-2 (default), cnn-5, wrn-16-4, vit-4.", DefaultValueFactory = _ => "fcn-2" };
    /// <summary>--width.</summary>
    public Option<int?> Width { get; } = new("--width") { Description = $"Hidden width (default {ModelFactory.DefaultWidth(ArchitectureKind.FullyConnected)} for fcn, {QuickWidth} for fcn under --quick; the architecture's default otherwise)." };

    /// <summary>The fully connected network's width under every experiment's --quick preset.</summary>
    public const int QuickWidth = 256;
    /// <summary>--no-bias.</summary>
    public Option<bool> NoBias { get; } = new("--no-bias") { Description = "Build the network without biases (default: the experiment's; see --help of each)." };
    /// <summary>--bias.</summary>
    public Option<bool> Bias { get; } = new("--bias") { Description = "Build the network with biases (default: the experiment's; see --help of each)." };
    /// <summary>--n-train.</summary>
    public Option<int?> TrainCount { get; } = new("--n-train") { Description = "Training samples n." };
    /// <summary>--n-test.</summary>
    public Option<int?> TestCount { get; } = new("--n-test") { Description = "Test samples." };
    /// <summary>--threads.</summary>
    public Option<int?> Threads { get; } = new("--threads") { Description = "libtorch threads (default 1: the study's small models run fastest on one thread of a busy machine, and one thread gives bit-identical reruns and resumes)." };

    /// <summary>States the experiment's seed counts, without and with --quick, in the help of --seeds.</summary>
    public void DescribeSeedsDefault(int normal, int quick) =>
        Seeds.Description = $"Number of seeds (0, 1, …) per configuration (default {normal}; quick {quick}).";

    /// <summary>States the experiment's default in the help of --bias and --no-bias (null: the architecture's).</summary>
    public void DescribeBiasDefault(bool? withBias)
    {
        string text = withBias switch
        {
            true => "with biases",
            false => "without biases",
            null => "the architecture's: with biases for fcn, cnn and vit, none in a wrn's convolutions",
        };
        NoBias.Description = $"Build the network without biases (default: {text}).";
        Bias.Description = $"Build the network with biases (default: {text}).";
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Quick, Output, Resume, CheckpointEvery, Seeds, Dataset, DataRoot, Architecture, Width, NoBias, Bias, TrainCount, TestCount, Threads })
            command.Options.Add(o);
    }

    /// <summary>The data settings, validated.</summary>
    public DataSettings DataSettings(ParseResult parse, int defaultTrain, int defaultTest)
    {
        var settings = new DataSettings
        {
            Dataset = parse.GetValue(Dataset) ?? "rank2",
            DataRoot = parse.GetValue(DataRoot),
            TrainCount = parse.GetValue(TrainCount) ?? defaultTrain,
            TestCount = parse.GetValue(TestCount) ?? defaultTest,
        };
        settings.Validate();
        // The synthetic tasks read no files: a folder given for them is more likely a forgotten --dataset than intended.
        if (settings.DataRoot is not null && settings.Dataset is "rank2" or "rank4")
            throw new ConfigurationException($"--data-root is read only by the image datasets, and --dataset is {settings.Dataset}; give --dataset cifar10, svhn or celeba, or leave --data-root out.");
        return settings;
    }

    /// <summary>
    /// The network of --arch, --width, --bias and --no-bias. Without --width, fcn gets <paramref name="fullyConnectedWidth"/>
    /// (null: the engine's default) and the other architectures their own default; without --bias or --no-bias, the
    /// layers have biases as <paramref name="defaultBias"/> says (null: the architecture's default).
    /// </summary>
    /// <exception cref="ConfigurationException">--arch names no architecture, --width is below 1 or given for a Wide ResNet, or --bias and --no-bias are both given.</exception>
    public NetworkDescription NetworkFor(ParseResult parse, int? fullyConnectedWidth = null, bool? defaultBias = null)
    {
        string architecture = parse.GetValue(Architecture)!;
        if (!ArchitectureSpec.TryParse(architecture, out var spec, out var error)) throw new ConfigurationException($"--arch: {error}");
        if (parse.GetValue(Width) is < 1 and var given) throw new ConfigurationException($"--width must be at least 1, got {given}.");
        // The engine names its own field (NetworkDescription.Width) here; a command-line user gave --width.
        if (spec!.Kind == ArchitectureKind.WideResNet && parse.GetValue(Width) is { } factor)
            throw new ConfigurationException($"--width does not apply to Wide ResNets; give the widening factor in --arch instead, e.g. --arch {spec with { WidenFactor = factor }}.");
        int? width = parse.GetValue(Width) ?? (spec!.Kind == ArchitectureKind.FullyConnected ? fullyConnectedWidth : null);
        bool bias = parse.GetValue(Bias), noBias = parse.GetValue(NoBias);
        if (bias && noBias) throw new ConfigurationException("--bias and --no-bias contradict each other; give one.");
        return new NetworkDescription { Architecture = architecture, Width = width, UseBias = bias ? true : noBias ? false : defaultBias };
    }

    /// <summary>The output folder, checked: it can be created and written.</summary>
    /// <exception cref="ConfigurationException">--out cannot be used; the message says why.</exception>
    public string OutputFor(ParseResult parse, string experiment) =>
        OutputFolder.For(parse.GetValue(Output), parse.GetValue(Quick), experiment);

    /// <summary>Steps between checkpoints: the option, else <paramref name="fallback"/>; validated against <paramref name="recordEvery"/> (checkpoints are taken at recorded steps).</summary>
    public int CheckpointEveryFor(ParseResult parse, int recordEvery, int fallback)
    {
        int? given = parse.GetValue(CheckpointEvery);
        int every = given ?? fallback;
        if (every < 0 || every % recordEvery != 0)
            throw new ConfigurationException(given is null
                ? $"--record-every {recordEvery} does not divide the default --checkpoint-every {fallback}; give --checkpoint-every as a multiple of it (0: no checkpoints)."
                : $"--checkpoint-every must be a non-negative multiple of --record-every ({recordEvery}), got {every}.");
        return every;
    }

    /// <summary>The most seeds an experiment takes: each is a run of its own, so more would not finish in any reasonable time.</summary>
    public const int MaxSeeds = 1000;

    /// <summary>Seeds 0..k−1, validated.</summary>
    public int SeedCount(ParseResult parse, int fallback)
    {
        int k = parse.GetValue(Seeds) ?? fallback;
        if (k < 1 || k > MaxSeeds) throw new ConfigurationException($"--seeds must be in 1..{MaxSeeds}, got {k}.");
        return k;
    }

    /// <summary>Configures libtorch's thread count.</summary>
    public int? ConfigureThreads(ParseResult parse)
    {
        int? threads = parse.GetValue(Threads) ?? 1;
        if (RuntimeOptions.ThreadCountProblem(threads.Value) is { } problem) throw new ConfigurationException($"--threads {problem}.");
        TorchRuntime.Configure(new RuntimeOptions { Threads = threads });
        return threads;
    }
}
