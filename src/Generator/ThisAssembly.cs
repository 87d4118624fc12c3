using System.Reflection;

namespace StaticNet.Generator;

/// <summary>The version written into <c>[GeneratedCode]</c> on every generated type.</summary>
internal static class ThisAssembly
{
    /// <summary>
    /// The generator's package version (Directory.Build.props holds the one copy), without the
    /// <c>+commit</c> suffix SourceLink appends, so generated code does not change with every commit.
    /// </summary>
    public static readonly string Version = ReadVersion();

    private static string ReadVersion()
    {
        string version = typeof(ThisAssembly).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int metadata = version.IndexOf('+');
        return metadata < 0 ? version : version.Substring(0, metadata);
    }
}
