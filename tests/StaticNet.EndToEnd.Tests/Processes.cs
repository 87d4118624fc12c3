using System.Diagnostics;

namespace StaticNet.EndToEnd;

/// <summary>Runs the programs the end-to-end tests drive: dotnet, and the binaries it publishes.</summary>
internal static class Processes
{
    /// <summary>Runs <paramref name="command"/> to its end; its exit code, and its standard output followed by its standard error.</summary>
    public static (int ExitCode, string Output) Run(string command, string arguments, string? workingDirectory = null, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        // A dotnet started from the test run must not inherit the test run's MSBuild, as a user's would not.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
