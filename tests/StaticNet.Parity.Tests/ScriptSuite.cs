using System;
using System.Collections.Generic;
using System.IO;

namespace StaticNet.Parity;

/// <summary>
/// A parity suite whose cases are computed by one Python script: the fixture writes every case file under
/// <c>parity/&lt;suite&gt;/cases</c>, runs the script once over them, which writes <c>results</c> (or a
/// <c>NAME.error.txt</c> per failed case), and each test reads its case's result. A failure to prepare the suite
/// is kept and reported by every test, not thrown from the fixture, so xunit names it clearly.
/// </summary>
public sealed class ScriptSuite
{
    private readonly Exception? _failure;

    /// <summary>Writes the cases with <paramref name="writeCases"/> (given the case directory) and runs <paramref name="script"/> over them.</summary>
    public ScriptSuite(string suite, string script, Action<string> writeCases)
    {
        Name = suite;
        string root = Path.Combine(AppContext.BaseDirectory, "parity", suite);
        CaseDirectory = Path.Combine(root, "cases");
        ResultDirectory = Path.Combine(root, "results");
        try
        {
            foreach (string directory in new[] { CaseDirectory, ResultDirectory })
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }

                Directory.CreateDirectory(directory);
            }

            writeCases(CaseDirectory);
            File.WriteAllText(Path.Combine(root, "python-output.txt"), PythonReference.RunScript(Path.Combine(AppContext.BaseDirectory, "python", script), CaseDirectory, ResultDirectory));
        }
        catch (Exception exception)
        {
            _failure = exception;
        }
    }

    /// <summary>The suite's name, its folder under <c>parity/</c> and its part of the report.</summary>
    public string Name { get; }

    public string CaseDirectory { get; }

    public string ResultDirectory { get; }

    /// <summary>The case file and PyTorch's result for <paramref name="name"/>, or <see langword="null"/> after recording in <paramref name="comparison"/> why PyTorch has none.</summary>
    /// <exception cref="InvalidOperationException">The suite could not be prepared (no Python, no PyTorch, the script failed).</exception>
    public (SafeTensorsFile Case, SafeTensorsFile Result)? Read(string name, Comparison comparison)
    {
        if (_failure is not null)
        {
            string message = $"The parity suite '{Name}' could not be prepared: {_failure.Message}";
            throw _failure is InvalidOperationException ? new InvalidOperationException(message) : new InvalidOperationException(message, _failure);
        }

        string errorPath = Path.Combine(ResultDirectory, name + ".error.txt");
        if (File.Exists(errorPath))
        {
            comparison.Fail($"case '{name}': PyTorch could not run it:\n{File.ReadAllText(errorPath)}");
            return null;
        }

        return (SafeTensors.Read(Path.Combine(CaseDirectory, name + ".safetensors")), SafeTensors.Read(Path.Combine(ResultDirectory, name + ".safetensors")));
    }

    /// <summary>Tensor <paramref name="name"/> of <paramref name="file"/>, which must have it.</summary>
    public static SafeTensor Get(SafeTensorsFile file, string name) =>
        file.TryGet(name, out SafeTensor tensor) ? tensor : throw new InvalidDataException($"{file.Path} has no tensor '{name}'.");

    /// <summary>Writes one case file: its tensors, and its description for the script as the <c>case</c> metadata entry.</summary>
    public static void WriteCase(string caseDirectory, string name, IReadOnlyList<SafeTensor> tensors, object description) =>
        SafeTensors.Write(Path.Combine(caseDirectory, name + ".safetensors"), tensors, new Dictionary<string, string> { ["case"] = System.Text.Json.JsonSerializer.Serialize(description) });
}
