namespace Autograd.Cli;

/// <summary>A mistake in how the command was called (a malformed binding, an unreadable file), shown as one line.</summary>
internal sealed class CliException(string message) : Exception(message);
