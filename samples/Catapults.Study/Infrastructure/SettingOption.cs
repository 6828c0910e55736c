namespace Catapults.Study.Infrastructure;

/// <summary>An <c>Option&lt;T?&gt;</c> whose value, when given, is set into the settings by <paramref name="set"/>.</summary>
/// <typeparam name="TSettings">The settings record.</typeparam>
/// <typeparam name="T">The option's value type.</typeparam>
/// <param name="name">The option's name.</param>
/// <param name="set">The settings with the value in its field (a <c>with</c> expression).</param>
public sealed class SettingOption<TSettings, T>(string name, Func<TSettings, T, TSettings> set) : Option<T?>(name), ISettingOption<TSettings>
    where T : struct
{
    /// <inheritdoc />
    public TSettings ApplyTo(TSettings settings, ParseResult parse) => parse.GetValue(this) is T value ? set(settings, value) : settings;
}
