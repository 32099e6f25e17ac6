using System.Globalization;

namespace Autograd.Visualization;

/// <summary>How numbers are shown in graph dumps and explanations: six significant digits, invariant culture.</summary>
internal static class DisplayFormat
{
    /// <summary>A number with up to six significant digits, for example <c>-12</c> or <c>0.881374</c>.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>A number as a factor in a product: negative numbers in parentheses, as in <c>-4·(-2)</c>.</summary>
    public static string Atom(double value) => value < 0 ? $"({Number(value)})" : Number(value);

    /// <summary>A name or number as a factor in a formula: negative constants in parentheses.</summary>
    public static string Atom(string text) => text.StartsWith('-') ? $"({text})" : text;
}
