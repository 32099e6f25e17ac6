using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Autograd.NN;
using Autograd.NN.Data;

namespace Autograd.Cli.Training;

/// <summary>Reads a CSV file of classes for the commands: strict UTF-8, and every failure one line naming the file.</summary>
internal static class CsvFile
{
    // Throws on bytes that are not UTF-8, where the default decoder would quietly make them a "\uFFFD" class.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Loads <paramref name="path"/> (given as <paramref name="option"/>) with <paramref name="targetColumn"/> as the
    /// class column. With <paramref name="knownClasses"/>, labels index that list and any other class is an error;
    /// without it, the file's own classes are used. <paramref name="classNames"/> receives the classes the labels index.
    /// </summary>
    /// <exception cref="CliException">The file is missing, a folder, unreadable, not UTF-8, or not a valid table.</exception>
    public static Dataset<float> Load(string path, string option, string? targetColumn, IReadOnlyList<string>? knownClasses, out IReadOnlyList<string> classNames)
    {
        CliFiles.CheckReadable(path, option);
        try
        {
            using var reader = new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: true);
            if (knownClasses is null) return CsvReader.Load(reader, path, targetColumn, CsvTarget.Classes, out classNames);
            classNames = knownClasses;
            return CsvReader.Load(reader, path, targetColumn, knownClasses);
        }
        catch (DecoderFallbackException)
        {
            throw new CliException(FindInvalidUtf8(path));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // Messages quote fields and class names from the file.
            throw new CliException(Printable.Text(e.Message, keepLineBreaks: true));
        }
    }

    /// <summary>The SHA-256 of the file's bytes, in lowercase hex: tells whether a file is the one a model was trained on.</summary>
    /// <exception cref="CliException">The file cannot be read.</exception>
    public static string Sha256(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>Names the line and the byte where <paramref name="path"/> stops being UTF-8 (read again, only on this error path).</summary>
    private static string FindInvalidUtf8(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int position = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        int line = 1, lineStart = position;
        while (position < bytes.Length)
        {
            byte b = bytes[position];
            if (b is (byte)'\n' or (byte)'\r')
            {
                // Line breaks as StreamReader counts them: \n, \r\n or a lone \r.
                position += b == '\r' && position + 1 < bytes.Length && bytes[position + 1] == '\n' ? 2 : 1;
                line++;
                lineStart = position;
                continue;
            }

            if (Rune.DecodeFromUtf8(bytes.AsSpan(position), out _, out int consumed) != OperationStatus.Done)
                return $"{path}:{line}: byte {position - lineStart + 1} of the line (0x{b:X2}) is not valid UTF-8; save the file as UTF-8";
            position += consumed;
        }

        return $"{path}: the file is not valid UTF-8; save it as UTF-8";
    }
}
