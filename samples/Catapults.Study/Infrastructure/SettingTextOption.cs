namespace Catapults.Study.Infrastructure;

/// <summary>An <c>Option&lt;string?&gt;</c> whose text, when given, is set (or parsed) into the settings by <paramref name="set"/>.</summary>
/// <typeparam name="TSettings">The settings record.</typeparam>
/// <param name="name">The option's name.</param>
/// <param name="set">The settings with the text, or what it names, in its field.</param>
public sealed class SettingTextOption<TSettings>(string name, Func<TSettings, string, TSettings> set) : Option<string?>(name), ISettingOption<TSettings>
{
    /// <inheritdoc />
    public TSettings ApplyTo(TSettings settings, ParseResult parse) => parse.GetValue(this) is string text ? set(settings, text) : settings;
}
