using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using StaticNet.Tool.Onnx;

namespace StaticNet.Tool.Import;

/// <summary>The class and namespace of the declaration; null for the defaults (the class named after the file, no namespace).</summary>
internal sealed record ImportOptions(string? ClassName = null, string? Namespace = null);

/// <summary>An imported model: the declaration's text and the tensors of its weights file, named as the declaration names them.</summary>
internal sealed record ImportResult(string SourceFile, string ClassName, string Declaration, IReadOnlyList<SafeTensor> Tensors, ImportedNetwork Network, long ParameterCount, string Producer, long Opset)
{
    public string DeclarationFile => ClassName + ".cs";

    public string WeightsFile => ClassName + ".safetensors";
}

/// <summary>
/// <c>staticnet import</c>: reads an ONNX model, translates its graph into layers, names them, and writes
/// the declaration and its weights (the safetensors file <c>Load</c> reads, with the checksums
/// <c>Save</c> writes).
/// </summary>
internal static class ModelImporter
{
    /// <summary>The roles of tensors that are state, not parameters (they do not count as parameters).</summary>
    private static readonly HashSet<string> StateRoles = new(StringComparer.Ordinal) { "running_mean", "running_var", "num_batches_tracked" };

    /// <summary>C#'s reserved words, which a class or namespace cannot be named.</summary>
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>Reads and translates <paramref name="path"/>; nothing is written.</summary>
    public static ImportResult Import(string path, ImportOptions options)
    {
        string className = options.ClassName ?? ClassNameFor(path);
        if (!IsIdentifier(className))
        {
            throw new ImportException($"The class name '{className}' is not a C# identifier: it starts with a letter or '_' and continues with letters, digits or '_' (and is no C# keyword).");
        }

        if (options.Namespace is string ns && !ns.Split('.').All(IsIdentifier))
        {
            throw new ImportException($"The namespace '{ns}' is not a C# namespace name: identifiers separated by '.'.");
        }

        OnnxModel model = OnnxFile.Read(path);
        ImportedNetwork network = new GraphTranslator(model, path).Translate();
        LayerNaming.Assign(network.Layers);
        var tensors = new List<SafeTensor>();
        long parameters = 0;
        foreach (ImportedLayer layer in network.Layers)
        {
            foreach (LayerTensor tensor in layer.Tensors)
            {
                tensors.Add(new SafeTensor(layer.Name + "." + tensor.Role, tensor.Shape, tensor.Values));
                parameters += StateRoles.Contains(tensor.Role) ? 0 : tensor.Values.Length;
            }
        }

        var facts = new DeclarationFacts(className, options.Namespace, Path.GetFileName(path), model.Producer, model.Opset, className + ".safetensors", parameters);
        return new ImportResult(path, className, DeclarationWriter.Write(network, facts), tensors, network, parameters, model.Producer, model.Opset);
    }

    /// <summary>
    /// Writes the declaration and the weights into <paramref name="directory"/> (created if missing);
    /// returns both paths. Files already there are kept unless <paramref name="overwrite"/>: a
    /// declaration may have been edited since it was imported.
    /// </summary>
    public static (string Declaration, string Weights) Write(ImportResult result, string directory, bool overwrite)
    {
        string declaration = Path.Combine(directory, result.DeclarationFile);
        string weights = Path.Combine(directory, result.WeightsFile);
        try
        {
            foreach (string path in new[] { declaration, weights })
            {
                if (!overwrite && (File.Exists(path) || Directory.Exists(path)))
                {
                    throw new ImportException($"{path} exists already; pass --force to overwrite it, or --output to write elsewhere.");
                }
            }

            Directory.CreateDirectory(directory);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["format"] = "pt",
                ["network"] = result.ClassName,
                ["staticnet.imported_from"] = Path.GetFileName(result.SourceFile),
            };
            SafeTensors.Write(weights, result.Tensors, metadata);
            File.WriteAllText(declaration, result.Declaration, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ImportException($"Cannot write the imported network to {Path.GetFullPath(directory)}: {exception.Message}");
        }

        return (declaration, weights);
    }

    /// <summary>A class name from the model's file name: <c>resnet18-v2.onnx</c> gives <c>Resnet18V2</c>.</summary>
    public static string ClassNameFor(string path)
    {
        var name = new StringBuilder();
        foreach (string part in Regex.Split(Path.GetFileNameWithoutExtension(path), "[^A-Za-z0-9]+"))
        {
            if (part.Length > 0)
            {
                name.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
            }
        }

        return name.Length == 0 ? "ImportedNetwork" : char.IsAsciiLetter(name[0]) ? name.ToString() : "Model" + name;
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !Keywords.Contains(name);
}
