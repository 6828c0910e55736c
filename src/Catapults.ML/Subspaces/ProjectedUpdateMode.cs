namespace Catapults.ML.Subspaces;

/// <summary>What the projected optimiser does with the update Δ once it has switched from plain training.</summary>
public enum ProjectedUpdateMode
{
    /// <summary>Leave Δ unchanged (plain SGD or whichever optimiser is wrapped: the control arm).</summary>
    Full,

    /// <summary>Dom-SGD: keep only the component in the top-k Hessian eigenspace, P_k Δ.</summary>
    Dominant,

    /// <summary>Bulk-SGD: remove that component, (I − P_k) Δ.</summary>
    Bulk,
}
