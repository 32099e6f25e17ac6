using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Autograd.Cli;

/// <summary>
/// Parses the values of numeric options with messages that name the option and the form its value takes (".NET
/// type 'System.Double'" means nothing to someone who typed <c>--atol abc</c>).
/// </summary>
internal static class OptionValues
{
    /// <summary>Gives every whole-number and decimal option of <paramref name="command"/> and its subcommands these parsers.</summary>
    public static void Apply(Command command)
    {
        foreach (Option option in command.Options)
        {
            switch (option)
            {
                case Option<int> whole when whole.CustomParser is null:
                    whole.CustomParser = result => Whole(result, whole.Name) ?? default;
                    break;
                case Option<int?> optionalWhole when optionalWhole.CustomParser is null:
                    optionalWhole.CustomParser = result => Whole(result, optionalWhole.Name);
                    break;
                case Option<double> number when number.CustomParser is null:
                    number.CustomParser = result => Number(result, number.Name) ?? default;
                    break;
                case Option<double?> optionalNumber when optionalNumber.CustomParser is null:
                    optionalNumber.CustomParser = result => Number(result, optionalNumber.Name);
                    break;
            }
        }

        foreach (Command subcommand in command.Subcommands) Apply(subcommand);
    }

    /// <summary>The option's value as a 32-bit whole number, or null after adding an error that names the option.</summary>
    internal static int? Whole(ArgumentResult result, string option)
    {
        string text = Text(result);
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)) return value;
        result.AddError(long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) || (text.Length > 0 && text.TrimStart('-', '+').All(char.IsAsciiDigit))
            ? $"{option}: {text} is out of range; give a whole number from {int.MinValue:N0} to {int.MaxValue:N0}"
            : $"{option}: '{text}' is not a whole number; give one such as 10");
        return null;
    }

    /// <summary>The option's value as a finite decimal number, or null after adding an error that names the option.</summary>
    internal static double? Number(ArgumentResult result, string option)
    {
        string text = Text(result);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            result.AddError($"{option}: '{text}' is not a number; give a decimal number with a dot, such as 0.001 or 1e-6");
            return null;
        }

        // double.Parse takes "1e999", "Infinity" and "NaN"; no option here means any of them.
        if (!double.IsFinite(value))
        {
            result.AddError($"{option}: '{text}' is not a finite number; give a decimal number with a dot, such as 0.001 or 1e-6");
            return null;
        }

        return value;
    }

    private static string Text(ArgumentResult result) => result.Tokens.Count == 0 ? "" : result.Tokens[^1].Value;
}
