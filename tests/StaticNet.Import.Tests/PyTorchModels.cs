using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using StaticNet.Samples;
using Xunit;

namespace StaticNet.Import.Tests;

/// <summary>
/// The models PyTorch exports for the tests, made once for the whole collection: 100 Fashion-MNIST
/// test images normalised as the samples do (the training set's mean and standard deviation), then one
/// run of python/export_models.py, which exports every model and writes PyTorch's outputs for those
/// images. The files stay in the output directory (<c>import/pytorch</c>) for inspection. A failure to
/// prepare (PyTorch or the data missing) is kept and rethrown by every test, with what to install.
/// </summary>
public sealed class PyTorchModels
{
    /// <summary>How many test images are compared.</summary>
    public const int ImageCount = 100;

    /// <summary>Debian's interpreter, which python3-torch and python3-onnx install into (a python3 first on PATH may lack them).</summary>
    public const string Interpreter = "/usr/bin/python3";

    private const string InstallHint = "Install them with:  sudo apt-get install python3-torch python3-onnx dataset-fashion-mnist   (.ci/install-prerequisites does this)";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly Exception? _failure;

    public PyTorchModels()
    {
        Directory = Path.Combine(AppContext.BaseDirectory, "import", "pytorch");
        try
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }

            System.IO.Directory.CreateDirectory(Directory);
            Images = TestImages();
            string imagesPath = Path.Combine(Directory, "images.safetensors");
            SafeTensors.Write(imagesPath, new[] { new SafeTensor("images", new[] { ImageCount, 1, 28, 28 }, Images) });
            RunPython(Path.Combine(AppContext.BaseDirectory, "python", "export_models.py"), imagesPath, Directory);
            using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "manifest.json")));
            Exported = manifest.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).ToArray();
            Failing = manifest.RootElement.GetProperty("failing").EnumerateArray().Select(m => m.GetString()!).ToArray();
        }
        catch (Exception exception)
        {
            _failure = exception;
        }
    }

    /// <summary>Where the models and outputs are.</summary>
    public string Directory { get; }

    /// <summary>The images, [100, 1, 28, 28], as both sides see them.</summary>
    public float[] Images { get; } = Array.Empty<float>();

    /// <summary>The names of the models exported with PyTorch's outputs, as the script lists them.</summary>
    public IReadOnlyList<string> Exported { get; } = Array.Empty<string>();

    /// <summary>The names of the models the import must refuse.</summary>
    public IReadOnlyList<string> Failing { get; } = Array.Empty<string>();

    /// <summary>The path of model <paramref name="name"/>; throws what went wrong in preparing, if anything did.</summary>
    public string Model(string name)
    {
        ThrowIfFailed();
        return Path.Combine(Directory, name + ".onnx");
    }

    /// <summary>PyTorch's outputs for the images, [100, classes].</summary>
    public SafeTensor Outputs(string name)
    {
        ThrowIfFailed();
        return SafeTensors.Read(Path.Combine(Directory, name + ".outputs.safetensors")).Tensors.Single(t => t.Name == "outputs");
    }

    public void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new InvalidOperationException($"The PyTorch models could not be made: {_failure.Message}", _failure);
        }
    }

    private static float[] TestImages()
    {
        string directory = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? FashionMnistData.DefaultDirectory;
        (Dataset train, Dataset test) = FashionMnistData.Load(directory);
        Normalization normalization = Normalization.Fit(train);
        normalization.Apply(test);
        var images = new float[ImageCount * test.SampleLength];
        for (int i = 0; i < ImageCount; i++)
        {
            test.Sample(i).CopyTo(images.AsSpan(i * test.SampleLength));
        }

        return images;
    }

    private static void RunPython(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
            throw new InvalidOperationException($"The import tests need {Interpreter} with PyTorch and onnx ({exception.Message}). {InstallHint}", exception);
        }

        using (process)
        {
            var standardError = process.StandardError.ReadToEndAsync();
            string standardOutput = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{script} did not finish within {Timeout.TotalMinutes} minutes.");
            }

            if (process.ExitCode is 3 or 4)
            {
                throw new InvalidOperationException($"{Interpreter} cannot import {(process.ExitCode == 3 ? "torch" : "onnx")}. {InstallHint}\n{standardError.Result}");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{Interpreter} {script} failed with exit code {process.ExitCode}:\n{standardError.Result}\n{standardOutput}");
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PyTorchModelsCollection : ICollectionFixture<PyTorchModels>
{
    public const string Name = "PyTorch models";
}
