using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Compares text with a checked-in <c>Snapshots/{name}.verified.cs</c>. On a difference (or when
/// there is no verified file yet) it writes <c>{name}.received.cs</c> next to it and fails; review
/// the received file and accept it by running the tests with <c>STATICNET_ACCEPT_SNAPSHOTS=1</c>,
/// which overwrites the verified files. Line endings are compared as <c>\n</c>, so a checkout with
/// CRLF line endings still matches.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "STATICNET_ACCEPT_SNAPSHOTS";

    /// <summary>Verifies <paramref name="actual"/> against the snapshot folder next to the calling test's source file.</summary>
    public static void Verify(string name, string actual, [CallerFilePath] string callerFile = "") => Verify(
        Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots"),
        name,
        actual,
        accept: Environment.GetEnvironmentVariable(AcceptVariable) == "1");

    public static void Verify(string directory, string name, string actual, bool accept)
    {
        // A mapped source path (/_/ on a deterministic CI build) would make every snapshot look new.
        Assert.True(
            Directory.Exists(Path.GetDirectoryName(directory)),
            $"The snapshot folder {directory} is not under an existing directory: the tests must be built with real source paths.");
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");
        string received = Normalize(actual);

        if (accept)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, received);
            File.Delete(receivedPath);
            return;
        }

        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == received)
        {
            // A received file left over from an earlier failure would only mislead.
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, received);
        string accepting = $"Review {receivedPath}; to accept it, run the tests again with {AcceptVariable}=1.";
        Assert.Fail(verified is null
            ? $"Snapshot '{name}' has no verified file {verifiedPath}. The received text is in {receivedPath}.{Environment.NewLine}{accepting}"
            : $"Snapshot '{name}' differs from {verifiedPath}. {FirstDifference(verified, received)}{Environment.NewLine}{accepting}");
    }

    // The line break that ends the last line does not start another one.
    private static string[] Lines(string text) => (text.EndsWith('\n') ? text.Substring(0, text.Length - 1) : text).Split('\n');

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    /// <summary>The first line that differs, numbered from 1, as it is in each text.</summary>
    private static string FirstDifference(string verified, string received)
    {
        string[] expected = Lines(verified);
        string[] actual = Lines(received);
        int line = 0;
        while (line < expected.Length && line < actual.Length && expected[line] == actual[line])
        {
            line++;
        }

        if (line == expected.Length && line == actual.Length)
        {
            return "They differ only in the line break at the end of the file.";
        }

        string Show(string[] lines) => line < lines.Length ? "\"" + lines[line] + "\"" : "(end of file)";
        return $"First difference at line {line + 1}:{Environment.NewLine}  verified: {Show(expected)}{Environment.NewLine}  received: {Show(actual)}";
    }
}
