using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;

namespace StaticNet.Parity;

/// <summary>Runs python/reference.py once over a directory of case files, with Debian's PyTorch.</summary>
public static class PythonReference
{
    /// <summary>The interpreter: Debian's, which <c>python3-torch</c> installs into (a pyenv or venv <c>python3</c> on PATH usually lacks torch).</summary>
    public const string DefaultInterpreter = "/usr/bin/python3";

    /// <summary>Set this environment variable to use another interpreter that has PyTorch.</summary>
    public const string InterpreterVariable = "STATICNET_PARITY_PYTHON";

    private const string InstallHint = "Install it with:  sudo apt-get install python3-torch   (.ci/install-prerequisites does this)";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The interpreter in use.</summary>
    public static string Interpreter => Environment.GetEnvironmentVariable(InterpreterVariable) is { Length: > 0 } path ? path : DefaultInterpreter;

    /// <summary>The script, copied next to the test assembly.</summary>
    public static string Script => Path.Combine(AppContext.BaseDirectory, "python", "reference.py");

    /// <summary>
    /// Runs every case file in <paramref name="caseDirectory"/>, writing results to
    /// <paramref name="resultDirectory"/>; returns what the script printed.
    /// </summary>
    /// <exception cref="InvalidOperationException">Python or PyTorch is missing, or the script failed as a whole; the message says what to do.</exception>
    public static string Run(string caseDirectory, string resultDirectory) => RunScript(Script, caseDirectory, resultDirectory);

    /// <summary>Runs <paramref name="script"/> (a path) with <paramref name="arguments"/>; returns what it printed.</summary>
    /// <exception cref="InvalidOperationException">Python or PyTorch is missing, or the script failed; the message says what to do.</exception>
    public static string RunScript(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Interpreter}.");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"The parity tests need PyTorch for {Interpreter}, which could not be started ({exception.Message}). {InstallHint}", exception);
        }

        using (process)
        {
            // Read both streams concurrently, so neither pipe can fill up and block the script.
            var standardError = process.StandardError.ReadToEndAsync();
            string standardOutput = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{script} did not finish within {Timeout.TotalMinutes} minutes.");
            }

            string errors = standardError.Result;
            if (process.ExitCode == 3)
            {
                throw new InvalidOperationException($"The parity tests need PyTorch, and {Interpreter} cannot import torch. {InstallHint}\n{errors}");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{Interpreter} {script} failed with exit code {process.ExitCode}:\n{errors}\n{standardOutput}");
            }

            return standardOutput + errors;
        }
    }
}
