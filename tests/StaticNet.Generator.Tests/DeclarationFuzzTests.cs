using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNet.Generator.Emit;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Thousands of random declarations, valid and not, through the generator and the compiler: random
/// layer sequences, arguments at and past their limits (NaN, infinities, denormals, int.MaxValue),
/// names taken from the generated API and from <see cref="object"/>, empty names, file, nested and
/// generic classes, user members, and StaticNet attributes without [Network]. Whatever the
/// declaration, the generator must not throw, the code it generates must compile without a warning,
/// and a declaration must either compile with no diagnostic at all or get at least one SN error:
/// never a compiler error that StaticNet did not explain.
/// </summary>
public sealed class DeclarationFuzzTests
{
    private const int Seed = 20261202;
    private const int Declarations = 2000;
    private const int PerCompilation = 250;
    private const int BodiesPerCompilation = 8;

    private static readonly double[] Doubles =
    {
        0, -0.0, 0.5, 1, 2, -1, -2.5, 1e-5, 0.01, 0.1, 0.25, 0.9, 0.99, 0.9999999999999999, 1.5, 10, 20, 100,
        708, 709, 709.5, 710, 1e30, 1e38, 3.4028235e38, 3.5e38, 1e39, 1e300, -1e39,
        5e-324, 1e-320, 1e-300, 1e-78, 1e-77, 1e-45, 1e-39, 1.17549435e-38, 1e-38,
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue, double.Epsilon,
    };

    private static readonly int[] Sizes = { 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 8, 0, -1, 1073741823, int.MaxValue };

    private static readonly string[] InitKinds = { "Default", "KaimingUniform", "KaimingNormal", "XavierUniform", "XavierNormal", "LeCunNormal", "Zeros", "Ones", "Constant" };

    private static readonly string[] Nonlinearities = { "Default", "Linear", "ReLU", "LeakyReLU", "Tanh", "Sigmoid" };

    /// <summary>
    /// Documentation comments are not checked here: the generated ones are the same text for every
    /// network, checked with every warning on by the snapshot networks, and checking their crefs
    /// would double the time this test takes.
    /// </summary>
    private static readonly CSharpParseOptions FuzzParseOptions = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.None);

    private readonly ITestOutputHelper _output;

    public DeclarationFuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_declaration_compiles_cleanly_or_gets_an_SN_error()
    {
        var watch = Stopwatch.StartNew();
        TimeSpan processor = Process.GetCurrentProcess().TotalProcessorTime;
        var random = new Random(Seed);
        string[] names = NamePool();
        int valid = 0, refused = 0, fullyCompiled = 0;
        var ids = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();

        for (int start = 0; start < Declarations; start += PerCompilation)
        {
            var sources = new List<string>();
            var trees = new List<SyntaxTree>();
            for (int i = start; i < start + PerCompilation; i++)
            {
                string source = "using StaticNet;\n\nnamespace Fuzz.D" + i + ";\n\n" + Declaration(random, names) + "\n";
                sources.Add(source);
                trees.Add(CSharpSyntaxTree.ParseText(source, FuzzParseOptions, FileOf(i)));
            }

            Compilation input = GeneratorHarness.Compilation(string.Empty).RemoveAllSyntaxTrees().AddSyntaxTrees(trees);
            GeneratorRun run = GeneratorHarness.Run(input, FuzzParseOptions);
            Assert.Null(run.Result.Exception);

            // The compiler on the declarations and the generated code together, by the file each diagnostic is in.
            ILookup<string, Diagnostic> compiler = CompilerDiagnostics(run, ref fullyCompiled).ToLookup(d => Path.GetFileName(d.Location.SourceTree?.FilePath ?? string.Empty));
            ILookup<string, Diagnostic> generator = run.Diagnostics.ToLookup(d => Path.GetFileName(d.Location.SourceTree?.FilePath ?? d.Location.GetLineSpan().Path));
            Assert.True(generator[string.Empty].Count() == 0, "SN diagnostics without a file:\n" + GeneratorRun.Describe(generator[string.Empty]));
            var generated = run.Result.GeneratedSources.ToDictionary(s => s.HintName.Substring(0, s.HintName.IndexOf('.', "Fuzz.".Length)), s => s);

            for (int i = start; i < start + PerCompilation; i++)
            {
                string source = sources[i - start];
                Diagnostic[] errors = generator[FileOf(i)].Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("SN", StringComparison.Ordinal)).ToArray();
                Diagnostic[] fromCompiler = compiler[FileOf(i)].ToArray();
                bool hasSource = generated.TryGetValue("Fuzz.D" + i, out GeneratedSourceResult file);
                Diagnostic[] inGenerated = hasSource ? compiler[Path.GetFileName(file.HintName)].ToArray() : Array.Empty<Diagnostic>();
                foreach (Diagnostic error in errors)
                {
                    ids[error.Id] = ids.TryGetValue(error.Id, out int count) ? count + 1 : 1;
                }

                if (generator[FileOf(i)].Any(d => d.Id == "SN0099"))
                {
                    failures.Add($"D{i}: internal error\n{source}\n{GeneratorRun.Describe(generator[FileOf(i)])}");
                }
                else if (inGenerated.Length > 0)
                {
                    failures.Add($"D{i}: the generated code does not compile cleanly\n{source}\n{GeneratorRun.Describe(inGenerated)}");
                }
                else if (errors.Length > 0)
                {
                    refused++;
                    if (hasSource)
                    {
                        failures.Add($"D{i}: source generated despite SN errors\n{source}\n{GeneratorRun.Describe(errors)}");
                    }
                }
                else if (fromCompiler.Length > 0)
                {
                    failures.Add($"D{i}: compiler diagnostics without an SN error\n{source}\n{GeneratorRun.Describe(fromCompiler)}");
                }
                else if (!hasSource)
                {
                    failures.Add($"D{i}: no source and no SN error\n{source}");
                }
                else
                {
                    valid++;
                }
            }
        }

        _output.WriteLine($"{Declarations} declarations in {watch.Elapsed.TotalSeconds:F1} s ({(Process.GetCurrentProcess().TotalProcessorTime - processor).TotalSeconds:F1} s of processor time): {valid} valid, {refused} refused, {failures.Count} failures; {fullyCompiled} generated files compiled with their method bodies");
        _output.WriteLine("SN errors: " + string.Join(", ", ids.Select(p => $"{p.Key} x{p.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} declarations failed; the first ones:\n\n" + string.Join("\n\n", failures.Take(5)));
        Assert.True(valid >= Declarations / 10 && refused >= Declarations / 10, $"The mix is lopsided: {valid} valid, {refused} refused");
    }

    /// <summary>
    /// What the compiler reports on the batch: syntax and declaration diagnostics of every file (where
    /// clashing names, duplicate members and constants that do not fit show up), and method-body
    /// diagnostics of every declaration and of the first <see cref="BodiesPerCompilation"/> generated
    /// files. Compiling every generated body would take minutes: one network's plumbing is thousands of
    /// lines, the same for every network but for its constants; the snapshot networks compile whole.
    /// </summary>
    private static IEnumerable<Diagnostic> CompilerDiagnostics(GeneratorRun run, ref int fullyCompiled)
    {
        var found = new List<Diagnostic>();
        int bodies = 0;
        foreach (SyntaxTree tree in run.Output.SyntaxTrees)
        {
            SemanticModel model = run.Output.GetSemanticModel(tree);
            found.AddRange(tree.GetDiagnostics());
            found.AddRange(model.GetDeclarationDiagnostics());
            bool isGenerated = !run.Input.SyntaxTrees.Contains(tree);
            if (!isGenerated || bodies++ < BodiesPerCompilation)
            {
                found.AddRange(model.GetMethodBodyDiagnostics());
                fullyCompiled += isGenerated ? 1 : 0;
            }
        }

        return found.Where(d => d.Severity > DiagnosticSeverity.Hidden);
    }

    private static string FileOf(int index) => "D" + index.ToString(CultureInfo.InvariantCulture) + ".cs";

    /// <summary>
    /// Names to try as class, layer and member names: every member the generator emits for the test
    /// networks (public and private, read from their generated source), <see cref="object"/>'s
    /// members, the same in snake case as layer names are written, and ordinary names.
    /// </summary>
    private static string[] NamePool()
    {
        var pool = new HashSet<string>(StringComparer.Ordinal) { "Net", "Range", "Layers", "LayerConstants", "INetwork", "StaticNet", "System", "Math", "Span" };
        foreach (string network in new[] { nameof(Networks.Mlp), nameof(Networks.LeNet5), nameof(Networks.StridedConvNet), nameof(Networks.LargeWindowNet), nameof(Networks.ResidualBlockNet), nameof(Networks.ActivationZooNet) })
        {
            GeneratorRun run = GeneratorHarness.Run(Networks.Source(network));
            GeneratedMembers members = GeneratedMembers.Read(run.Source!, network);
            pool.UnionWith(members.Members.Where(n => !n.StartsWith("_", StringComparison.Ordinal) || n.Length < 12));
            pool.UnionWith(members.LayerClasses.Values.SelectMany(v => v));
        }

        pool.UnionWith(typeof(object).GetMembers().Select(m => m.Name).Where(n => !n.StartsWith(".", StringComparison.Ordinal)));
        pool.UnionWith(new[] { "Finalize", "MemberwiseClone" });
        return pool.Where(n => SyntaxFacts.IsValidIdentifier(n) && n is not "Base" and not "Outer").OrderBy(n => n, StringComparer.Ordinal).ToArray();
    }

    private static string Snake(string name)
    {
        var builder = new StringBuilder();
        foreach (char c in name.TrimStart('_'))
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static bool Chance(Random random, double probability) => random.NextDouble() < probability;

    private static string Literal(double value) => value switch
    {
        double.NaN => "double.NaN",
        double.PositiveInfinity => "double.PositiveInfinity",
        double.NegativeInfinity => "double.NegativeInfinity",
        double.MaxValue => "double.MaxValue",
        double.MinValue => "double.MinValue",
        double.Epsilon => "double.Epsilon",
        _ => DoubleText(value.ToString("R", CultureInfo.InvariantCulture)),
    };

    private static string DoubleText(string text) => text.Contains('E') || text.Contains('.') ? text : text + ".0";

    private static string Size(Random random) => Pick(random, Sizes) switch
    {
        int.MaxValue => "int.MaxValue",
        int size => size.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A small size, to keep most networks small enough to be valid; sometimes an extreme one.</summary>
    private static string SmallSize(Random random) => Chance(random, 0.9) ? random.Next(1, 5).ToString(CultureInfo.InvariantCulture) : Size(random);

    private static string Number(Random random, double usual) => Chance(random, 0.5)
        ? Literal(usual)
        : Literal(Pick(random, Doubles));

    private static string Declaration(Random random, string[] names)
    {
        var attributes = new List<string>();
        double roll = random.NextDouble();
        bool image = Chance(random, 0.5);
        if (roll > 0.05)
        {
            attributes.Add("Network");
        }

        if (Chance(random, 0.95))
        {
            attributes.Add(image ? $"Input({SmallSize(random)}, {random.Next(3, 9)}, {(Chance(random, 0.95) ? random.Next(3, 9).ToString(CultureInfo.InvariantCulture) : Size(random))})" : $"Input({(Chance(random, 0.95) ? random.Next(1, 9).ToString(CultureInfo.InvariantCulture) : Size(random))})");
        }

        int count = random.Next(0, 6) + (Chance(random, 0.05) ? 0 : 1);
        var layerNames = new List<string>();
        for (int i = 0; i < count; i++)
        {
            attributes.Add(Layer(random, names, layerNames, image, i == count - 1));
        }

        // Mostly one attribute list per line, as users write them; sometimes all in one.
        string attributeText = Chance(random, 0.5)
            ? string.Join("\n", attributes.Select(a => "[" + a + "]"))
            : "[" + string.Join(", ", attributes) + "]";
        string className = Chance(random, 0.85) ? "Net" : Identifier(Pick(random, names));
        string body = Chance(random, 0.1) ? UserMembers(random, names, className) : string.Empty;
        string declaration = random.Next(40) switch
        {
            0 => $"{attributeText}\nclass {className}{BodyOrSemicolon(body)}",
            1 => $"{attributeText}\nfile partial class {className}{BodyOrSemicolon(body)}",
            2 => $"partial class Outer\n{{\n{attributeText}\npartial class {className}{BodyOrSemicolon(body)}\n}}",
            3 => $"partial class Outer<T>\n{{\n{attributeText}\npartial class {className}{BodyOrSemicolon(body)}\n}}",
            4 => $"{attributeText}\npartial class {className}<T>{BodyOrSemicolon(body)}",
            5 => $"{attributeText}\nstatic partial class {className};",
            6 => $"{attributeText}\nsealed partial class {className}{BodyOrSemicolon(body)}",
            7 => $"{attributeText}\npartial record class {className};",
            8 => $"class Base {{ public int {Identifier(Pick(random, names))} {{ get; set; }} }}\n{attributeText}\npartial class {className} : Base{BodyOrSemicolon(body)}",
            _ => $"{attributeText}\npartial class {className}{BodyOrSemicolon(body)}",
        };
        return declaration;
    }

    private static string BodyOrSemicolon(string body) => body.Length == 0 ? ";" : "\n{\n" + body + "}";

    /// <summary>A member or two of the user's half, with names from the pool; valid C# on their own.</summary>
    private static string UserMembers(Random random, string[] names, string className)
    {
        var builder = new StringBuilder();
        var used = new HashSet<string>(StringComparer.Ordinal) { className };
        for (int i = random.Next(1, 3); i > 0; i--)
        {
            string name = Identifier(Pick(random, names));
            if (!used.Add(name) || typeof(object).GetMember(name, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static).Length > 0)
            {
                continue;
            }

            builder.Append(random.Next(4) switch
            {
                0 => $"    void {name}() {{ }}\n",
                1 => $"    int {name} => 0;\n",
                2 => $"    class {name} {{ }}\n",
                _ => $"    static int {name}(int value) => value;\n",
            });
        }

        if (Chance(random, 0.2))
        {
            builder.Append(Chance(random, 0.5) ? $"    {className}(int a, int b) : this() {{ }}\n    {className}() {{ }}\n" : $"    {className}(int a) : this(a, 1) {{ }}\n");
        }

        return builder.ToString();
    }

    /// <summary>
    /// A window setting with <paramref name="probability"/>: mostly square (<c>Stride = 2</c>), sometimes per axis
    /// (<c>StrideHeight = 2, StrideWidth = 1</c>, either axis left out now and then), rarely both forms, an error.
    /// </summary>
    private static void WindowSetting(Random random, List<string> named, string setting, double probability, int low, int high)
    {
        if (!Chance(random, probability))
        {
            return;
        }

        double form = random.NextDouble();
        if (form < 0.7 || form >= 0.95)
        {
            named.Add(setting + " = " + WindowValue(random, low, high));
        }

        if (form >= 0.7)
        {
            WindowAxes(random, named, setting, low, high, 0.85);
        }
    }

    /// <summary>The per-axis form of a window setting, each axis given with <paramref name="probability"/>.</summary>
    private static void WindowAxes(Random random, List<string> named, string setting, int low, int high, double probability)
    {
        foreach (string axis in new[] { "Height", "Width" })
        {
            if (Chance(random, probability))
            {
                named.Add(setting + axis + " = " + WindowValue(random, low, high));
            }
        }
    }

    private static string WindowValue(Random random, int low, int high) => Chance(random, 0.85) ? random.Next(low, high).ToString(CultureInfo.InvariantCulture) : Size(random);

    private static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;

    private static string Layer(Random random, string[] names, List<string> layerNames, bool image, bool last)
    {
        var named = new List<string>();
        void Maybe(double probability, string argument)
        {
            if (Chance(random, probability))
            {
                named.Add(argument);
            }
        }

        string kind;
        var positional = new List<string>();
        string[] spatial = { "Conv2D", "Conv2D", "MaxPool2D", "AvgPool2D", "BatchNorm2D", "GlobalAvgPool2D", "Flatten" };
        string[] flat = { "Dense", "Dense", "BatchNorm1D", "Dropout" };
        string[] any = { "ReLU", "Sigmoid", "Tanh", "LeakyReLU", "ELU", "GELU", "SiLU", "Softplus", "Add", "Concat", "Dropout", "Softmax", "LogSoftmax" };
        kind = Chance(random, 0.45) ? Pick(random, image ? spatial : flat) : Pick(random, Chance(random, 0.8) ? any : image ? flat : spatial);
        if (kind is "Softmax" or "LogSoftmax" && !last && Chance(random, 0.8))
        {
            kind = "ReLU";
        }

        switch (kind)
        {
            case "Dense":
                positional.Add(SmallSize(random));
                Maybe(0.15, "Bias = " + (Chance(random, 0.5) ? "true" : "false"));
                Initializers(random, named, fans: true);
                break;
            case "Conv2D":
                positional.Add(SmallSize(random));
                if (Chance(random, 0.25))
                {
                    // A kernel per axis; now and then the square one as well, which is an error.
                    WindowAxes(random, named, "Kernel", 1, 4, 0.95);
                    Maybe(0.05, "Kernel = " + random.Next(1, 4).ToString(CultureInfo.InvariantCulture));
                }
                else if (Chance(random, 0.6))
                {
                    positional.Add(Chance(random, 0.9) ? random.Next(1, 4).ToString(CultureInfo.InvariantCulture) : Size(random));
                }
                else
                {
                    Maybe(0.9, "Kernel = " + (Chance(random, 0.9) ? random.Next(1, 4).ToString(CultureInfo.InvariantCulture) : Size(random)));
                }

                WindowSetting(random, named, "Stride", 0.2, 1, 3);
                WindowSetting(random, named, "Padding", 0.3, 0, 2);
                WindowSetting(random, named, "Dilation", 0.1, 1, 3);
                Maybe(0.1, "Bias = false");
                Initializers(random, named, fans: true);
                break;
            case "MaxPool2D":
            case "AvgPool2D":
                if (Chance(random, 0.8))
                {
                    positional.Add(Chance(random, 0.9) ? random.Next(1, 3).ToString(CultureInfo.InvariantCulture) : Size(random));
                }

                if (positional.Count == 0 || Chance(random, 0.03))
                {
                    // A window per axis (MaxPool2D(KernelHeight = 2, KernelWidth = 1)); beside a positional kernel, an error.
                    WindowAxes(random, named, "Kernel", 1, 3, 0.95);
                }

                WindowSetting(random, named, "Stride", 0.2, 0, 3);
                WindowSetting(random, named, "Padding", 0.2, 0, 2);
                if (kind == "AvgPool2D")
                {
                    Maybe(0.2, "CountIncludePad = false");
                }

                break;
            case "BatchNorm1D":
            case "BatchNorm2D":
                Maybe(0.3, "Momentum = " + Number(random, 0.1));
                Maybe(0.3, "Epsilon = " + Number(random, 1e-5));
                Maybe(0.15, "Affine = " + (Chance(random, 0.5) ? "true" : "false"));
                Initializers(random, named, fans: false);
                break;
            case "Dropout":
                if (Chance(random, 0.6))
                {
                    positional.Add(Number(random, 0.25));
                }

                break;
            case "LeakyReLU":
            case "ELU":
                if (Chance(random, 0.6))
                {
                    positional.Add(Number(random, 0.2));
                }

                break;
            case "Softplus":
                Maybe(0.5, "Beta = " + Number(random, 2));
                Maybe(0.5, "Threshold = " + Number(random, 10));
                break;
            case "Add":
                positional.Add("\"" + (layerNames.Count > 0 && Chance(random, 0.8) ? Pick(random, layerNames) : Chance(random, 0.5) ? string.Empty : "nowhere") + "\"");
                break;
            case "Concat":
                // Up to three names, mostly of earlier layers; none at all is an error of its own.
                for (int k = random.Next(Chance(random, 0.9) ? 1 : 0, 4); k > 0; k--)
                {
                    positional.Add("\"" + (layerNames.Count > 0 && Chance(random, 0.85) ? Pick(random, layerNames) : "nowhere") + "\"");
                }

                break;
        }

        if (Chance(random, 0.3))
        {
            string name = random.Next(6) switch
            {
                0 => string.Empty,
                1 => "2nd-layer",
                2 => Snake(Pick(random, names)),
                3 => Pick(random, names),
                _ => "l" + random.Next(0, 20).ToString(CultureInfo.InvariantCulture),
            };
            named.Add("Name = \"" + name + "\"");
            layerNames.Add(name);
        }

        if (Chance(random, 0.08))
        {
            named.Add("From = \"" + (layerNames.Count > 0 && Chance(random, 0.7) ? Pick(random, layerNames) : string.Empty) + "\"");
        }

        if (kind is "Dense" or "Conv2D" or "BatchNorm1D" or "BatchNorm2D")
        {
            Maybe(0.05, "Frozen = true");
        }

        string[] arguments = positional.Concat(named).ToArray();
        return arguments.Length == 0 && Chance(random, 0.7) ? kind : kind + "(" + string.Join(", ", arguments) + ")";
    }

    private static void Initializers(Random random, List<string> named, bool fans)
    {
        if (!Chance(random, 0.15))
        {
            return;
        }

        string weight = Pick(random, InitKinds);
        named.Add("WeightInit = Init." + weight);
        if (weight == "Constant" || Chance(random, 0.1))
        {
            named.Add("WeightInitValue = " + Number(random, 0.5));
        }

        if (Chance(random, 0.3))
        {
            named.Add("BiasInit = Init." + Pick(random, InitKinds));
        }

        if (Chance(random, 0.1))
        {
            named.Add("BiasInitValue = " + Number(random, 0.1));
        }

        if (fans && Chance(random, 0.3))
        {
            string nonlinearity = Pick(random, Nonlinearities);
            named.Add("InitNonlinearity = Nonlinearity." + nonlinearity);
            if (nonlinearity == "LeakyReLU" || Chance(random, 0.1))
            {
                named.Add("InitSlope = " + Number(random, 0.1));
            }

            if (Chance(random, 0.3))
            {
                named.Add("InitMode = FanMode." + (Chance(random, 0.5) ? "FanIn" : "FanOut"));
            }
        }
    }
}
