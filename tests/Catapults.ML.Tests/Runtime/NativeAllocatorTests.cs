using System.Runtime.InteropServices;
using Catapults.ML.Runtime;

namespace Catapults.ML.Tests.Runtime;

/// <summary>
/// What <see cref="TorchRuntime.RetainFreedNativeMemory"/> asks of glibc, read back through glibc's own statistics
/// (mallinfo2): glibc 2.36 accepts any mmap threshold, so its answer alone does not show that the threshold was capped
/// at 32 MiB. Found by mutation testing (round 15A): an uncapped threshold passed every test.
/// </summary>
public sealed class NativeAllocatorTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 MallInfo();

    [Test]
    public void AnAllocationAboveThirtyTwoMebibytesStillGetsAMappingOfItsOwn()
    {
        const int Size = 48 << 20;
        // Above the capped 32 MiB threshold: glibc maps it on its own (mmapped bytes grow by at least its size)
        // instead of taking it from the heap.
        Assert.That(MappedBytesGainedByAllocating(Size), Is.GreaterThanOrEqualTo(Size));
    }

    // Below the 32 MiB cap the threshold is the one asked for: a 24 MiB block comes from the heap, where freeing it
    // and asking again costs no new mapping.
    [Test]
    public void AnAllocationBelowThirtyTwoMebibytesComesFromTheHeap()
    {
        const int Size = 24 << 20;
        Assert.That(MappedBytesGainedByAllocating(Size), Is.LessThan(Size));
    }

    /// <summary>How much glibc's mmapped bytes grow while a block of <paramref name="size"/> bytes is held, with 256 MiB retained.</summary>
    private static double MappedBytesGainedByAllocating(int size)
    {
        Assume.That(OperatingSystem.IsLinux(), "glibc only");
        Assert.That(TorchRuntime.RetainFreedNativeMemory(256 << 20), Is.True);
        // Finalizers freeing other tests' tensors would move glibc's count while it is read.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        nuint before = MallInfo().Hblkhd;
        IntPtr block = Marshal.AllocHGlobal(size);
        try
        {
            return (double)MallInfo().Hblkhd - before;
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }
    }
}
