namespace Catapults.Study.Infrastructure;

/// <summary>A flag (<c>Option&lt;bool&gt;</c>) that, when given, changes the settings by <paramref name="set"/>.</summary>
/// <typeparam name="TSettings">The settings record.</typeparam>
/// <param name="name">The option's name.</param>
/// <param name="set">The settings as the flag makes them.</param>
public sealed class SettingFlag<TSettings>(string name, Func<TSettings, TSettings> set) : Option<bool>(name), ISettingOption<TSettings>
{
    /// <inheritdoc />
    public TSettings ApplyTo(TSettings settings, ParseResult parse) => parse.GetValue(this) ? set(settings) : settings;
}
