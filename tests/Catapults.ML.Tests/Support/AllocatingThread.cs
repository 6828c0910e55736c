namespace Catapults.ML.Tests.Support;

/// <summary>
/// A background thread that allocates garbage at the rate of a busy application (a collection every training step or
/// two) until disposed: each collection is a chance to finalize a temporary <c>Scalar</c> while libtorch reads it.
/// </summary>
internal sealed class AllocatingThread : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;

    public AllocatingThread()
    {
        _thread = new Thread(() => { while (!_stop) GC.KeepAlive(new byte[64 * 1024]); }) { IsBackground = true };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
