// Times the generator on LeNet-5 and ResNet-18 in a compilation that references the runtime, as a user's
// project does: a whole run from a new driver (what a command-line build pays), and the warm run after an edit
// in another file, which an editor makes on every keystroke and in which the cached pipeline is reused. Prints
// the best and the median of many runs, and the target on the warm run.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNet.Generator;
using StaticNet.Generator.Tests;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const int Runs = 60;
const double WarmTargetMilliseconds = 10;
var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
var references = Directory.GetFiles(runtimeDirectory, "*.dll")
    .Where(path => !Path.GetFileName(path).StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal))
    .Select(path => { try { return (MetadataReference?)MetadataReference.CreateFromFile(path); } catch (BadImageFormatException) { return null; } })
    .Where(reference => reference is not null)
    .Select(reference => reference!)
    .Append(MetadataReference.CreateFromFile(typeof(StaticNet.INetwork).Assembly.Location))
    .Append(MetadataReference.CreateFromFile(Path.Combine(Path.GetDirectoryName(typeof(StaticNet.INetwork).Assembly.Location)!, "StaticNet.Attributes.dll")))
    .ToList();

// samples/Shared/LeNet5.cs, embedded by the project file.
string LeNet5;
using (var reader = new StreamReader(typeof(Program).Assembly.GetManifestResourceStream("LeNet5.cs")!))
{
    LeNet5 = reader.ReadToEnd();
}

int missed = 0;
foreach ((string name, string declaration) in new[] { ("LeNet-5", LeNet5), ("ResNet-18", Declarations.ResNet18) })
{
    CSharpCompilation compilation = CSharpCompilation.Create(
        "Bench",
        new[] { CSharpSyntaxTree.ParseText(declaration, parseOptions, "Network.cs"), CSharpSyntaxTree.ParseText("class Other { }", parseOptions, "Other.cs") },
        references,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    ISourceGenerator generator = new NetworkGenerator().AsSourceGenerator();
    GeneratorDriver Driver() => CSharpGeneratorDriver.Create(new[] { generator }, parseOptions: parseOptions, driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

    GeneratorDriverRunResult first = Driver().RunGenerators(compilation).GetRunResult();
    if (first.Diagnostics.Length > 0 || first.GeneratedTrees.Length != 1)
    {
        Console.Error.WriteLine($"{name}: the generator did not produce one clean file: {string.Join("; ", first.Diagnostics)}");
        return 1;
    }

    int lines = first.GeneratedTrees[0].GetText().Lines.Count;
    var whole = new List<double>();
    for (int i = 0; i < Runs; i++)
    {
        var clock = Stopwatch.StartNew();
        Driver().RunGenerators(compilation);
        whole.Add(clock.Elapsed.TotalMilliseconds);
    }

    // The warm run: the same driver after each edit of the other file, so that only what the edit touches reruns.
    GeneratorDriver warmDriver = Driver().RunGenerators(compilation);
    var warm = new List<double>();
    for (int i = 0; i < Runs; i++)
    {
        compilation = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(), CSharpSyntaxTree.ParseText($"class Other {{ int _edit{i}; }}", parseOptions, "Other.cs"));
        var clock = Stopwatch.StartNew();
        warmDriver = warmDriver.RunGenerators(compilation);
        warm.Add(clock.Elapsed.TotalMilliseconds);
    }

    bool met = warm.Min() <= WarmTargetMilliseconds;
    missed += met ? 0 : 1;
    Console.WriteLine($"{name}: {lines} generated lines; whole run best {whole.Min():F1} ms, median {Median(whole):F1} ms; warm run after an edit elsewhere best {warm.Min():F1} ms, median {Median(warm):F1} ms (target <= {WarmTargetMilliseconds} ms: {(met ? "met" : "NOT met")})");
}

Console.WriteLine(missed == 0 ? "Every target met." : $"{missed} target{(missed == 1 ? "" : "s")} missed.");
return 0;

static double Median(List<double> values)
{
    var sorted = values.OrderBy(value => value).ToList();
    return sorted[sorted.Count / 2];
}
