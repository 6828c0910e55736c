namespace Catapults.ML.Models;

/// <summary>
/// Puts a module in evaluation mode for the length of a <c>using</c> block and restores the mode it had, so that a
/// measurement taken in the middle of training neither updates layers with train-time state nor mixes samples, and
/// leaves training exactly as it found it. Optionally turns gradient recording on for the same block (curvature
/// products differentiate even when the caller runs under <c>no_grad</c>).
/// </summary>
public sealed class EvaluationModeScope : IDisposable
{
    private readonly nn.Module _module;
    private readonly bool _wasTraining;
    private readonly IDisposable? _grad;

    /// <summary>Switches <paramref name="module"/> to evaluation mode; with <paramref name="recordGradients"/> also enables gradients.</summary>
    public EvaluationModeScope(nn.Module module, bool recordGradients = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        _module = module;
        _wasTraining = module.training;
        module.eval();
        _grad = recordGradients ? torch.enable_grad() : null;
    }

    /// <summary>Restores the gradient mode and the module's previous training mode.</summary>
    public void Dispose()
    {
        _grad?.Dispose();
        _module.train(_wasTraining);
    }
}
