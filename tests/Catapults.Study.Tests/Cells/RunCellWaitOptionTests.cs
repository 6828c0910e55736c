using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// run-cell --wait-if-busy takes seconds in (0, 86400]: a day is the longest interval, checked before the plan is read.
/// Found by mutation testing (round 15B).
/// </summary>
public sealed class RunCellWaitOptionTests
{
    [TestCase("86401")]
    [TestCase("1e300")]
    [TestCase("-1")]
    public void AnIntervalOutsideOneDayIsRefusedBeforeThePlanIsRead(string seconds)
    {
        using var temp = new TempDirectory();
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", temp.Combine("none"), "--index", "0", "--wait-if-busy", seconds),
            "--wait-if-busy must be a number of seconds in (0, 86400], got ");
    }

    [Test]
    public void AnIntervalOfADayIsAccepted()
    {
        using var temp = new TempDirectory();
        // Accepted, the command goes on to the plan, which is missing here.
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", temp.Combine("none"), "--index", "0", "--wait-if-busy", "86400"), "plan.json is missing");
    }
}
