using Catapults.ML.Runtime;

namespace Catapults.ML.Tests.Runtime;

/// <summary>
/// Derive(seed, stream) is the SplitMix64 finaliser of seed · γ + stream (γ = 0x9E3779B97F4A7C15), so with stream 0
/// it reproduces SplitMix64's published outputs from state 0: 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F.
/// Stored sweeps rely on these values never changing.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class SeedingKnownAnswerTests
{
    [Test]
    public void DeriveIsSplitMix64()
    {
        Assert.That(Seeding.Derive(1, (Seeding.Stream)0), Is.EqualTo(0xE220A8397B1DCDAFUL));
        Assert.That(Seeding.Derive(2, (Seeding.Stream)0), Is.EqualTo(0x6E789E6AA1B965F4UL));
        Assert.That(Seeding.Derive(3, (Seeding.Stream)0), Is.EqualTo(0x06C45D188009454FUL));
    }
}
