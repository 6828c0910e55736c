namespace Catapults.ML.Runtime;

/// <summary>Where tensors live.</summary>
public enum DeviceChoice
{
    /// <summary>CUDA when a CUDA libtorch package is referenced and a GPU is present, otherwise CPU.</summary>
    Auto,
    /// <summary>Always the CPU.</summary>
    Cpu,
    /// <summary>The first CUDA device; fails with a clear error when none is usable.</summary>
    Cuda,
}
