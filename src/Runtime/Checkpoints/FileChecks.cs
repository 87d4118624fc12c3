using System.IO;

namespace StaticNet;

/// <summary>The check every loader makes before reading a path: that a file, not a folder, is there.</summary>
internal static class FileChecks
{
    /// <summary>Throws <see cref="FileNotFoundException"/> unless <paramref name="path"/> is a file; the message says when it is a directory.</summary>
    /// <param name="path">The path given.</param>
    /// <param name="what">What the file should be, for the message (<c>"CSV file"</c>).</param>
    /// <param name="whereToFind">A sentence on where such files are usually found, added to the message when the file is missing.</param>
    public static void RequireFile(string path, string what, string? whereToFind = null)
    {
        if (File.Exists(path))
        {
            return;
        }

        throw Directory.Exists(path)
            ? new FileNotFoundException($"{path} is a directory, not a file; expected the path of a {what.ToLowerInvariant()}, not of the folder that holds it.", path)
            : new FileNotFoundException($"{what} not found: {Path.GetFullPath(path)}{(Path.IsPathRooted(path) ? "" : " (a relative path is taken from the current directory, " + Directory.GetCurrentDirectory() + ")")}.{(whereToFind is null ? "" : " " + whereToFind)}", path);
    }
}
