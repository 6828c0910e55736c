using TorchSharp.Modules;

namespace Catapults.ML.Training;

/// <summary>Builds TorchSharp optimisers and sets their learning rate.</summary>
public static class Optimizers
{
    /// <summary>Creates the optimiser over <paramref name="parameters"/> with initial learning rate <paramref name="learningRate"/>.</summary>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is outside its documented range; the message names it.</exception>
    public static optim.Optimizer Create(OptimizerKind kind, IEnumerable<Parameter> parameters, double learningRate, OptimizerOptions? options = null)
    {
        options ??= new OptimizerOptions();
        options.Validate(nameof(options));
        var ps = parameters.ToList();
        return kind switch
        {
            // TorchSharp's own optimisers can read a freed learning rate when another thread allocates (see ScalarSafe).
            OptimizerKind.Sgd => new ScalarSafe.SGD(ps, learningRate, weightDecay: options.WeightDecay),
            OptimizerKind.Momentum => new ScalarSafe.SGD(ps, learningRate, momentum: options.Momentum, weightDecay: options.WeightDecay),
            OptimizerKind.Adam => new ScalarSafe.Adam(ps, learningRate, options.Beta1, options.Beta2, options.EpsilonFor(kind), options.WeightDecay),
            OptimizerKind.RmsProp => new ScalarSafe.RMSProp(ps, learningRate, options.RmsPropAlpha, options.EpsilonFor(kind), options.WeightDecay),
            OptimizerKind.Adagrad => new ScalarSafe.Adagrad(ps, learningRate, options.EpsilonFor(kind), options.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimiser."),
        };
    }

    /// <summary>
    /// The copies of the weights that training with <paramref name="training"/> keeps beside the weights and their
    /// gradients: the optimiser's buffers (momentum 1, Adam's two moments, RMSprop's and Adagrad's one), and SAM's
    /// perturbation.
    /// </summary>
    public static int StateCopies(TrainingOptions training)
    {
        ArgumentNullException.ThrowIfNull(training);
        int buffers = training.Optimizer switch
        {
            OptimizerKind.Sgd => 0,
            OptimizerKind.Momentum or OptimizerKind.RmsProp or OptimizerKind.Adagrad => 1,
            OptimizerKind.Adam => 2,
            // A new kind must say its buffers here, or memory estimates would under-count it without a word.
            _ => throw new ArgumentOutOfRangeException(nameof(training), training.Optimizer, "Unknown optimiser."),
        };
        return buffers + (training.OptimizerSettings.SharpnessAwareRadius is null ? 0 : 1);
    }

    /// <summary>Sets the learning rate of every parameter group.</summary>
    public static void SetLearningRate(optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
    }
}
