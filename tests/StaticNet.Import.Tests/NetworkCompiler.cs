using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using StaticNet.Generator;

namespace StaticNet.Import.Tests;

/// <summary>
/// Compiles network declarations in memory with StaticNet's generator, as a user's build would, under
/// the strictest options (every warning an error, documentation comments checked), and loads them.
/// A declaration that gets a single diagnostic, from the generator or the compiler, fails the test.
/// </summary>
internal static class NetworkCompiler
{
    private static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithDocumentationMode(DocumentationMode.Diagnose);

    private static readonly CSharpCompilationOptions StrictOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        generalDiagnosticOption: ReportDiagnostic.Error,
        warningLevel: 9999);

    // The shared framework (System.*), the attributes and the runtime: what a library using the StaticNet package references.
    private static readonly ImmutableArray<MetadataReference> References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(path => Path.GetDirectoryName(path) == Path.GetDirectoryName(typeof(object).Assembly.Location))
        .Append(Path.Combine(Path.GetDirectoryName(typeof(INetwork).Assembly.Location)!, "StaticNet.Attributes.dll"))
        .Append(typeof(INetwork).Assembly.Location)
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToImmutableArray();

    // Compiling a declaration takes seconds; a file several tests read is compiled once.
    private static readonly ConcurrentDictionary<string, Lazy<Assembly>> Compiled = new(StringComparer.Ordinal);

    private static int s_compilations;

    /// <summary>Compiles <paramref name="source"/> with the generator and returns the assembly, or fails with every diagnostic; each source once.</summary>
    public static Assembly Compile(string source, string fileName = "Network.cs") =>
        Compiled.GetOrAdd(fileName + "\n" + source, _ => new Lazy<Assembly>(() => CompileOnce(source, fileName))).Value;

    private static Assembly CompileOnce(string source, string fileName)
    {
        string assemblyName = "ImportedNetworks" + System.Threading.Interlocked.Increment(ref s_compilations);
        var compilation = CSharpCompilation.Create(assemblyName, new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, fileName) }, References, StrictOptions);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetworkGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null)
        {
            throw new InvalidOperationException("The generator threw on:\n" + source, result.Exception);
        }

        List<Diagnostic> diagnostics = generatorDiagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity > DiagnosticSeverity.Hidden).ToList();
        if (diagnostics.Count > 0)
        {
            throw new InvalidOperationException($"{diagnostics.Count} diagnostics compiling:\n{source}\n" + string.Join("\n", diagnostics.Take(20)));
        }

        using var image = new MemoryStream();
        EmitResult emitted = output.Emit(image);
        if (!emitted.Success)
        {
            throw new InvalidOperationException("The generated code does not build:\n" + string.Join("\n", emitted.Diagnostics.Take(20)));
        }

        return Assembly.Load(image.ToArray());
    }

    /// <summary>Creates network <paramref name="typeName"/> of <paramref name="assembly"/>, with the given seed and batch capacity.</summary>
    public static INetwork Create(Assembly assembly, string typeName, int seed = 0, int batchCapacity = 16)
    {
        Type type = assembly.GetType(typeName, throwOnError: true)!;
        return (INetwork)Activator.CreateInstance(type, seed, batchCapacity)!;
    }

    /// <summary>Compiles a declaration holding one network class and creates it.</summary>
    public static INetwork CreateNetwork(string source, string typeName) => Create(Compile(source), typeName);
}
