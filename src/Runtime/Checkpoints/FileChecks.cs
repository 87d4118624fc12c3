using System.IO;

namespace StaticNet;

/// <summary>The check every loader makes before reading a path: that a file, not a folder, is there.</summary>
internal static class FileChecks
{
    /// <summary>Throws <see cref="FileNotFoundException"/> unless <paramref name="path"/> is a file; the message says when it is a directory.</summary>
    /// <param name="path">The path given.</param>
    /// <param name="what">What the file should be, for the message (<c>"CSV file"</c>).</param>
    public static void RequireFile(string path, string what)
    {
        if (File.Exists(path))
        {
            return;
        }

        throw Directory.Exists(path)
            ? new FileNotFoundException($"{path} is a directory, not a file; expected the path of a {what.ToLowerInvariant()}, not of the folder that holds it.", path)
            : new FileNotFoundException($"{what} not found: {path}", path);
    }
}
