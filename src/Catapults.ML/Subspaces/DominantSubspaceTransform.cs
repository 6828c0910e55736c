using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Parameter = TorchSharp.Modules.Parameter;

namespace Catapults.ML.Subspaces;

/// <summary>
/// Dom-SGD and Bulk-SGD as an <see cref="IUpdateTransform"/> (set it as <see cref="TrainingOptions.UpdateTransform"/>):
/// whatever optimiser the trainer runs computes Δ, and this transform replaces it by P_k Δ (Dom) or (I − P_k) Δ (Bulk),
/// where P_k projects onto the top-k eigenspace of the training-loss Hessian at w_t. Before the switch (a given step,
/// or χ_k(g) of the batch gradient staying above a threshold) updates pass unchanged. The eigenspace is recomputed
/// every <see cref="DominantSubspaceOptions.RefreshEvery"/> steps on the training set (or the configured subset;
/// the current batch when training online), warm-started from the previous one.
/// </summary>
public sealed class DominantSubspaceTransform : IUpdateTransform, IDisposable
{
    private readonly List<AlignmentCheck> _checks = new();
    private HessianEigenspace? _space;
    private int _consecutive;
    private bool _disposed;

    /// <summary>Creates the transform; the options are copied.</summary>
    public DominantSubspaceTransform(DominantSubspaceOptions? options = null)
    {
        var o = options ?? new DominantSubspaceOptions();
        o.Validate();
        Options = new DominantSubspaceOptions
        {
            Mode = o.Mode, Rank = o.Rank, RefreshEvery = o.RefreshEvery, SwitchAtStep = o.SwitchAtStep,
            AlignmentThreshold = o.AlignmentThreshold, AlignmentPatience = o.AlignmentPatience,
            AlignmentCheckEvery = o.AlignmentCheckEvery, Hessian = o.Hessian.Clone(), Lanczos = o.Lanczos.Clone(),
        };
        Switched = Options.SwitchAtStep is null && Options.AlignmentThreshold is null;
        if (Switched) SwitchStep = 0;
    }

    /// <summary>The options in force.</summary>
    public DominantSubspaceOptions Options { get; }

    /// <summary>True once updates are being projected.</summary>
    public bool Switched { get; private set; }

    /// <summary>The step at which projection began (null before the switch).</summary>
    public int? SwitchStep { get; private set; }

    /// <summary>The current eigenspace (null before the first solve).</summary>
    public HessianEigenspace? Eigenspace => _space;

    /// <summary>Number of eigenspace solves so far.</summary>
    public int Refreshes { get; private set; }

    /// <summary>Hessian-vector products spent so far.</summary>
    public long HessianProducts { get; private set; }

    /// <summary>The alignment checks made before the switch (step, χ_k of the batch gradient).</summary>
    public IReadOnlyList<AlignmentCheck> Checks => _checks;

    /// <inheritdoc />
    public void Transform(StepContext step, IReadOnlyList<Parameter> parameters, IReadOnlyList<Tensor> updates)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(updates);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (updates.Count != parameters.Count)
            throw new ArgumentException($"Got {updates.Count} updates for {parameters.Count} parameters.", nameof(updates));

        if (!Switched)
        {
            if (Options.SwitchAtStep is int at && step.Step >= at)
            {
                Switch(step.Step);
            }
            else if (Options.AlignmentThreshold is double threshold && step.Step % Options.AlignmentCheckEvery == 0)
            {
                Refresh(step);
                using var scope = torch.NewDisposeScope();
                var direction = ParameterVector.Flatten(parameters.Select((p, i) => p.grad is { } g && !g.IsInvalid ? g : updates[i]).ToList());
                double chi = SubspaceProjection.Alignment(direction, _space!.Basis);
                _checks.Add(new AlignmentCheck(step.Step, chi));
                _consecutive = chi >= threshold ? _consecutive + 1 : 0;
                if (_consecutive >= Options.AlignmentPatience) Switch(step.Step);
            }
            if (!Switched) return;
        }
        if (Options.Mode == ProjectedUpdateMode.Full) return;
        if (_space is null || step.Step - _space.Step >= Options.RefreshEvery) Refresh(step);

        using (var scope = torch.NewDisposeScope())
        {
            var flat = ParameterVector.Flatten(updates);
            var projected = Options.Mode == ProjectedUpdateMode.Dominant
                ? SubspaceProjection.Dominant(flat, _space!.Basis)
                : SubspaceProjection.Bulk(flat, _space!.Basis);
            var parts = ParameterVector.Split(projected, updates);
            for (int i = 0; i < updates.Count; i++) updates[i].copy_(parts[i]);
        }
    }

    private void Switch(int step)
    {
        Switched = true;
        SwitchStep = step;
    }

    private void Refresh(StepContext step)
    {
        var model = step.Training.Model;
        var loss = step.Training.Options.Loss;
        var (features, targets) = step.LossData;
        var next = HessianEigenspace.Compute(step.Step, model, features, targets, loss, Options.Rank, Options.Hessian, Options.Lanczos, _space?.Basis);
        _space?.Dispose();
        _space = next;
        Refreshes++;
        HessianProducts += next.Products;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _space?.Dispose();
        _space = null;
    }
}
