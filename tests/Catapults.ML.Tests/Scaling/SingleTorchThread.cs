using TorchSharp;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Runs a fixture's tests with one libtorch thread and restores the previous count afterwards. Tiny networks gain
/// nothing from intra-op threads, and on a loaded 2-core machine the thread hand-offs made a 300-step run take
/// seconds instead of a fraction of one.
/// </summary>
public abstract class SingleTorchThread
{
    private int _previous;

    [OneTimeSetUp]
    public void UseOneThread()
    {
        _previous = torch.get_num_threads();
        torch.set_num_threads(1);
    }

    [OneTimeTearDown]
    public void RestoreThreads() => torch.set_num_threads(_previous);
}
