using Catapults.ML.Diagnostics;
using Catapults.Study.SgdSpikes;

namespace Catapults.Study.Tests.SgdSpikes;

/// <summary>
/// The per-seed share in the sgd-spikes verdicts' evidence: a seed without spikes has no share (0 of 0 is not 0 %), so it
/// is left out of the mean ± sd rather than pulling it to 0. Found by mutation testing (6 Dec 2026, round 12B).
/// </summary>
public sealed class SpikeVerdictShareTests
{
    [Test]
    public void ASeedWithoutSpikesHasNoShare()
    {
        // Seed "spiky": η_crit < η only at step 10, so spike A (window 5..9) does not start above it and B (10..14) does.
        var spiky = PlantedSpikeRun.Create(PlantedSpikeRun.TwoSpikes, t => t == 10 ? 0.5 : 2.0, label: "spiky");
        var quiet = PlantedSpikeRun.Create(Array.Empty<CatapultEvent>(), _ => 2.0, label: "quiet");
        var above = SpikeVerdicts.Judge(new[] { spiky, quiet }, 1).Single(v => v.Claim.StartsWith("spikes start where", StringComparison.Ordinal));
        Assert.That(above.Evidence, Does.StartWith("1 of 2 spikes over 2 seed(s) (share per seed 0.50 ± 0.00)"));
    }
}
