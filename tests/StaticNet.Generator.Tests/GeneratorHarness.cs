using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Runs <see cref="NetworkGenerator"/> on in-memory compilations, the way the compiler does, with
/// step tracking on so that tests can see what the incremental pipeline cached.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>
    /// The newest C#, and documentation comments parsed and checked: a project with
    /// GenerateDocumentationFile must not get warnings from generated XML docs.
    /// </summary>
    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithDocumentationMode(DocumentationMode.Diagnose);

    /// <summary>The strictest options a user might build with: nullable on, every warning of every wave, and each one an error.</summary>
    public static readonly CSharpCompilationOptions StrictOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        generalDiagnosticOption: ReportDiagnostic.Error,
        warningLevel: 9999);

    // The shared framework only (System.*, not the test's own dependencies), so that a test
    // compilation references exactly what a plain library would, plus what each test adds.
    private static readonly ImmutableArray<MetadataReference> FrameworkReferences = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(path => Path.GetDirectoryName(path) == Path.GetDirectoryName(typeof(object).Assembly.Location))
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToImmutableArray();

    // By path: the generator compiles the attribute classes in too, so the type names alone are ambiguous here.
    private static readonly MetadataReference AttributesReference = MetadataReference.CreateFromFile(Path.Combine(Path.GetDirectoryName(typeof(INetwork).Assembly.Location)!, "StaticNet.Attributes.dll"));

    private static readonly MetadataReference RuntimeReference = MetadataReference.CreateFromFile(typeof(INetwork).Assembly.Location);

    /// <summary>The path of the file <see cref="Compilation"/> puts the declaration in.</summary>
    public const string NetworkFile = "Network.cs";

    /// <summary>A compilation of <paramref name="source"/> that sees the attributes and, unless told not to, the runtime.</summary>
    public static CSharpCompilation Compilation(string source, bool referenceRuntime = true)
    {
        IEnumerable<MetadataReference> references = FrameworkReferences.Append(AttributesReference);
        if (referenceRuntime)
        {
            references = references.Append(RuntimeReference);
        }

        return CSharpCompilation.Create("Networks", new[] { Parse(source, NetworkFile) }, references, StrictOptions);
    }

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>A driver for the generator that records every pipeline step, for caching tests.</summary>
    public static GeneratorDriver CreateDriver(CSharpParseOptions? parseOptions = null) => CSharpGeneratorDriver.Create(
        new[] { new NetworkGenerator().AsSourceGenerator() },
        parseOptions: parseOptions ?? ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once on <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(Compilation compilation, CSharpParseOptions? parseOptions = null)
    {
        GeneratorDriver driver = CreateDriver(parseOptions).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return new GeneratorRun(compilation, output, driver.GetRunResult().Results.Single());
    }

    public static GeneratorRun Run(string source, bool referenceRuntime = true) => Run(Compilation(source, referenceRuntime));

    /// <summary>Builds the output of <paramref name="run"/>, loads it, and creates the network class <paramref name="typeName"/> with batch capacity 1.</summary>
    public static INetwork CreateNetwork(GeneratorRun run, string typeName)
    {
        using var image = new MemoryStream();
        EmitResult emitted = run.Output.Emit(image);
        if (!emitted.Success)
        {
            throw new InvalidOperationException("The generated code does not build:\n" + GeneratorRun.Describe(emitted.Diagnostics));
        }

        // Each Load(byte[]) gets a context of its own, so test assemblies of the same name do not clash;
        // StaticNet.Runtime still resolves to the test's copy, so the network is an INetwork the test can call.
        Type type = Assembly.Load(image.ToArray()).GetType(typeName, throwOnError: true)!;
        return (INetwork)Activator.CreateInstance(type, 0, 1)!;
    }
}

/// <summary>What one run of the generator gave: its result, and the compilations before and after.</summary>
internal sealed record GeneratorRun(Compilation Input, Compilation Output, GeneratorRunResult Result)
{
    /// <summary>The diagnostics the generator reported (not the compiler's).</summary>
    public ImmutableArray<Diagnostic> Diagnostics => Result.Diagnostics;

    /// <summary>The one generated file's text, or <see langword="null"/> when nothing was generated.</summary>
    public string? Source => Result.GeneratedSources.Length switch
    {
        0 => null,
        1 => Result.GeneratedSources[0].SourceText.ToString(),
        _ => throw new InvalidOperationException("Expected at most one generated file, got: " + string.Join(", ", Result.GeneratedSources.Select(s => s.HintName))),
    };

    /// <summary>The compiler's diagnostics on the input alone (a declaration that does not bind, say).</summary>
    public ImmutableArray<Diagnostic> InputDiagnostics => Input.GetDiagnostics().Where(d => d.Severity > DiagnosticSeverity.Hidden).ToImmutableArray();

    /// <summary>The compiler's diagnostics on the input with the generated code added.</summary>
    public ImmutableArray<Diagnostic> OutputDiagnostics => Output.GetDiagnostics().Where(d => d.Severity > DiagnosticSeverity.Hidden).ToImmutableArray();

    /// <summary>
    /// The source text a diagnostic's location covers. The generator reports locations as plain
    /// file/span values (no syntax tree, so the cache holds no trees), so find the tree by its path.
    /// </summary>
    public string SpanText(Diagnostic diagnostic)
    {
        FileLinePositionSpan lineSpan = diagnostic.Location.GetLineSpan();
        SyntaxTree tree = Input.SyntaxTrees.Single(t => t.FilePath == lineSpan.Path);
        return tree.GetText().ToString(diagnostic.Location.SourceSpan);
    }

    /// <summary>Diagnostics one per line for a failure message; the first ten, since one broken file can give hundreds.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics)
    {
        string[] lines = diagnostics.Select(d => d.ToString()).DefaultIfEmpty("(none)").ToArray();
        string more = lines.Length > 10 ? $"{Environment.NewLine}... and {lines.Length - 10} more" : string.Empty;
        return string.Join(Environment.NewLine, lines.Take(10)) + more;
    }
}
