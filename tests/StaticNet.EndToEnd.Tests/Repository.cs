using System;
using System.IO;

namespace StaticNet.EndToEnd;

/// <summary>Where the repository these tests were built from is.</summary>
internal static class Repository
{
    /// <summary>The nearest folder above the test assembly that holds Compiler.sln.</summary>
    public static string Root()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Compiler.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new DirectoryNotFoundException("Compiler.sln not found above " + AppContext.BaseDirectory);
    }
}
