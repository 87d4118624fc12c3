using System;
using System.CommandLine;
using System.IO;
using StaticNet.Tool.Import;

namespace StaticNet.Tool;

/// <summary>
/// The <c>staticnet</c> command. <c>staticnet import model.onnx</c> writes <c>Model.cs</c>, a StaticNet
/// declaration of the model's network, and <c>Model.safetensors</c>, its weights. A model the import
/// cannot express, or a file it cannot read, is one line on standard error and exit code 1.
/// </summary>
internal static class Program
{
    private static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command with its output and errors going to the given writers; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var model = new Argument<string>("model") { Description = "The ONNX model to import (.onnx), with its weights inside." };
        var directory = new Option<string>("--output", "-o")
        {
            Description = "The folder to write the declaration and the weights to.",
            DefaultValueFactory = _ => ".",
        };
        var className = new Option<string?>("--class-name", "-c")
        {
            Description = "The network's class name. Default: the model's file name in PascalCase (lenet5.onnx gives Lenet5).",
        };
        var ns = new Option<string?>("--namespace", "-n") { Description = "The namespace of the declaration. Default: none (the global namespace)." };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite the declaration and weights files if they exist." };
        var import = new Command("import", "Write a StaticNet declaration (Name.cs) and its weights (Name.safetensors, for Load) from an ONNX model.")
        {
            model,
            directory,
            className,
            ns,
            force,
        };
        import.SetAction(parsed =>
        {
            try
            {
                string path = parsed.GetValue(model)!;
                ImportResult result = ModelImporter.Import(path, new ImportOptions(parsed.GetValue(className), parsed.GetValue(ns)));
                (string declaration, string weights) = ModelImporter.Write(result, parsed.GetValue(directory)!, parsed.GetValue(force));
                output.WriteLine(
                    $"Imported {path} ({result.Producer}, ONNX opset {Numbers.Format(result.Opset)}): {result.Network.NodeCount} nodes into " +
                    $"{result.Network.Layers.Count} layers, {Numbers.Count(result.ParameterCount)} parameters.");
                output.WriteLine($"  {declaration}  the declaration, class {result.ClassName}");
                output.WriteLine($"  {weights}  its weights: network.Load(\"{result.WeightsFile}\")");
                return 0;
            }
            catch (ImportException exception)
            {
                error.WriteLine("staticnet import: " + exception.Message);
                return 1;
            }
        });

        var root = new RootCommand("StaticNet's command-line tool: brings models into StaticNet declarations.") { import };
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
