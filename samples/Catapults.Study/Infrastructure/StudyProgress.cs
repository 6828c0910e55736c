using Spectre.Console;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Progress of a list of runs: Spectre.Console bars with an ETA when stdout is an interactive terminal, one plain
/// line per finished run otherwise (clean logs).
/// </summary>
public static class StudyProgress
{
    /// <summary>One run to show.</summary>
    public sealed record Item(string Label, int MaxSteps);

    /// <summary>Runs <paramref name="work"/> for each item, giving it a step-progress callback.</summary>
    public static List<T> Run<T>(IReadOnlyList<Item> items, Func<int, Action<int>, T> work, Func<T, string> describe)
    {
        var results = new List<T>();
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var total = ctx.AddTask("[bold]all runs[/]", maxValue: items.Sum(i => i.MaxSteps));
                    double done = 0;
                    for (int i = 0; i < items.Count; i++)
                    {
                        var bar = ctx.AddTask(Markup.Escape(items[i].Label), maxValue: items[i].MaxSteps);
                        var result = work(i, step => { bar.Value = step; total.Value = done + step; });
                        bar.Value = bar.MaxValue;
                        done += items[i].MaxSteps;
                        total.Value = done;
                        results.Add(result);
                    }
                });
        }
        else
        {
            for (int i = 0; i < items.Count; i++)
            {
                var result = work(i, _ => { });
                Console.WriteLine($"[{i + 1}/{items.Count}] {items[i].Label}: {describe(result)}");
                results.Add(result);
            }
        }
        return results;
    }
}
