namespace Catapults.Study.Infrastructure;

/// <summary>
/// An option that overrides one field of a <typeparamref name="TSettings"/> record when the command line gives it,
/// so that each option is declared once with the field it sets and every command applies its options the same way.
/// </summary>
/// <typeparam name="TSettings">The settings record.</typeparam>
public interface ISettingOption<TSettings>
{
    /// <summary><paramref name="settings"/> with this option's value if <paramref name="parse"/> has one; else unchanged.</summary>
    TSettings ApplyTo(TSettings settings, ParseResult parse);
}
