using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// RunExecutor.ColumnsProblem: a finished run is this build's only when its steps.csv has exactly this run's extra
/// columns in this run's order, since the report reads a column by its position (λ_max for the catapults). Found by
/// mutation testing (7 Dec 2026, round 20B): a check that only counted the columns passed every test.
/// </summary>
public sealed class RunExecutorColumnsTests
{
    private const string Fixed = "step,learning_rate,batch_loss,train_loss,test_loss";

    private static string RunWithHeader(TempDirectory temp, string header)
    {
        File.WriteAllText(temp.Combine("steps.csv"), header + "\n");
        return temp.Path;
    }

    [Test]
    public void TheSameColumnsInTheSameOrderAreThisRunsColumns()
    {
        using var temp = new TempDirectory();
        string dir = RunWithHeader(temp, Fixed + ",lambda_max,trace");
        Assert.That(RunExecutor.ColumnsProblem(dir, new[] { "lambda_max", "trace" }), Is.Null);
    }

    [Test]
    public void ColumnsInAnotherOrderOrUnderOtherNamesAreNamedAsAProblem()
    {
        using var temp = new TempDirectory();
        string dir = RunWithHeader(temp, Fixed + ",trace,lambda_max");
        Assert.That(RunExecutor.ColumnsProblem(dir, new[] { "lambda_max", "trace" }),
            Is.EqualTo($"{Path.Combine(dir, "steps.csv")} has the columns [trace, lambda_max] after the fixed ones, not this run's [lambda_max, trace]"));
        Assert.That(RunExecutor.ColumnsProblem(dir, new[] { "lambda_max", "gap" }), Is.Not.Null, "a column of another name");
    }
}
