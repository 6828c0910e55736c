namespace Catapults.ML.Features;

/// <summary>Which AGOP feature map to fit.</summary>
public enum AgopFeatureMapKind
{
    /// <summary>x ↦ G^p x, d features (p = ½ by default: the neural feature ansatz / RFM map).</summary>
    MatrixPower,

    /// <summary>x ↦ V_rᵀ x, the coordinates of x along the top-r eigenvectors of G (r features, largest eigenvalue first).</summary>
    TopEigenvectors,
}
