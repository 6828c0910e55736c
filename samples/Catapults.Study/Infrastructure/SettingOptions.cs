namespace Catapults.Study.Infrastructure;

/// <summary>Applies a command's setting options to its preset.</summary>
public static class SettingOptions
{
    /// <summary>
    /// <paramref name="preset"/> with the value of every option of the parsed command that sets a field of it and was
    /// given: a field the command line leaves out keeps the preset's value.
    /// </summary>
    /// <remarks>
    /// The parsed command's options, not a list of the caller's: an experiment's options are added to whichever command
    /// runs it (its own, plan's sub-command, the root), and a command may carry another record's options beside them.
    /// </remarks>
    public static TSettings ApplySettingOptions<TSettings>(this ParseResult parse, TSettings preset) =>
        parse.CommandResult.Command.Options.OfType<ISettingOption<TSettings>>().Aggregate(preset, (settings, option) => option.ApplyTo(settings, parse));
}
