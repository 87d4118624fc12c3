using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Declarations written to break the generator. Whatever a user types, the generator must not
/// throw (an exception in a generator is a warning the user may never see, and no code), and it
/// must not stay silent: it either reports an error or generates code that compiles.
/// </summary>
public sealed class HostileDeclarationTests
{
    public static TheoryData<string, string> Declarations => new()
    {
        // Sizes too large for the int offsets of the generated code.
        { "Dense of int.MaxValue units", "[Network, Input(784), Dense(int.MaxValue)] partial class Net;" },
        { "Conv2D of int.MaxValue filters on a big image", "[Network, Input(3, 224, 224), Conv2D(int.MaxValue, Kernel = 3)] partial class Net;" },
        { "input of int.MaxValue cubed", "[Network, Input(int.MaxValue, int.MaxValue, int.MaxValue), Dense(2)] partial class Net;" },
        // These two wrap around a long; see Sizes_that_overflow_a_long_are_reported_too_large.
        { "Conv2D padding of int.MaxValue", "[Network, Input(1, 1, 1), Conv2D(1, Kernel = 1, Padding = int.MaxValue)] partial class Net;" },
        { "MaxPool2D padding of int.MaxValue", "[Network, Input(1, 4, 4), MaxPool2D(3, Padding = int.MaxValue)] partial class Net;" },
        { "MaxPool2D of int.MaxValue with the largest padding it allows", "[Network, Input(2, 1, 1), MaxPool2D(int.MaxValue, Padding = 1073741823)] partial class Net;" },
        { "stride of int.MaxValue", "[Network, Input(1, 8, 8), Conv2D(2, Kernel = 3, Stride = int.MaxValue), Flatten, Dense(2)] partial class Net;" },

        // Zero and negative everything.
        { "input of size 0", "[Network, Input(0), Dense(2)] partial class Net;" },
        { "negative image input", "[Network, Input(-1, -1, -1), Dense(2)] partial class Net;" },
        { "Dense of 0 and -1 units", "[Network, Input(4), Dense(0), Dense(-1)] partial class Net;" },
        { "Conv2D with every argument out of range", "[Network, Input(1, 8, 8), Conv2D(0, Kernel = 0, Stride = 0, Padding = -1)] partial class Net;" },
        { "pooling with every argument out of range", "[Network, Input(1, 8, 8), MaxPool2D(-3, Stride = -1, Padding = -1), AvgPool2D(0)] partial class Net;" },
        { "Conv2D without a kernel", "[Network, Input(1, 8, 8), Conv2D(4)] partial class Net;" },

        // Windows that do not fit.
        { "Conv2D kernel larger than the input", "[Network, Input(1, 4, 4), Conv2D(1, Kernel = 9)] partial class Net;" },
        { "pool window larger than the input", "[Network, Input(1, 4, 4), AvgPool2D(5, Padding = 0)] partial class Net;" },
        { "input 1x1 and a 1x1 window", "[Network, Input(1, 1, 1), Conv2D(1, 1), MaxPool2D(1), AvgPool2D(1), Flatten, Softmax] partial class Net;" },

        // Arguments the compiler cannot bind: its own errors are enough.
        { "unbound Dense size", "[Network, Input(4), Dense(UndefinedConstant)] partial class Net;" },
        { "unbound named argument", "[Network, Input(1, 8, 8), Conv2D(4, Kernel = Missing.Value)] partial class Net;" },
        { "unbound input", "[Network, Input(UndefinedConstant), Dense(2)] partial class Net;" },
        { "input with two sizes", "[Network, Input(28, 28), Dense(2)] partial class Net;" },
        { "string where a size goes", "[Network, Input(4), Dense(\"ten\")] partial class Net;" },
        { "unknown named argument", "[Network, Input(4), Dense(2, Units = 3)] partial class Net;" },
        { "two inputs", "[Network, Input(4), Input(8), Dense(2)] partial class Net;" },
        { "Network twice", "[Network, Network, Input(4), Dense(2)] partial class Net;" },
        { "empty attribute list", "[Network][][Input(4)][Dense(2)] partial class Net;" },
        { "no Input and no layers", "[Network] partial class Net;" },

        // Class shapes the generator cannot extend.
        { "layers on two partial declarations", "[Network, Input(4)] partial class Net; [Dense(2)] partial class Net;" },
        { "Network on both partial declarations", "[Network, Input(4), Dense(2)] partial class Net; [Network] partial class Net;" },
        // A record is a class too: it must get SN0002, not silence.
        { "record class", "[Network, Input(4), Dense(2)] partial record class Net;" },
        { "generic class", "[Network, Input(4), Dense(2)] partial class Net<T>;" },
        { "nested class", "partial class Outer { [Network, Input(4), Dense(2)] partial class Net; }" },
        { "static class", "[Network, Input(4), Dense(2)] static partial class Net;" },
        { "struct", "[Network, Input(4), Dense(2)] partial struct Net;" },
        { "abstract class", "[Network, Input(4), Dense(2)] abstract partial class Net;" },

        // Names that are valid layer names but may collide with what the generator writes.
        { "layer named like a generated member", "[Network, Input(4), Dense(2, Name = \"run\"), ReLU(Name = \"initialize\")] partial class Net;" },
        // Names the generated class already uses: a nested type may not share its enclosing type's name (CS0542).
        { "layer named 'layers'", "[Network, Input(4), Dense(2, Name = \"layers\")] partial class Net;" },
        { "network class named Layers", "[Network, Input(4), Dense(2)] partial class Layers;" },
        // A keyword used as a name must keep its '@' in the generated file.
        { "network class named with a keyword", "[Network, Input(4), Dense(2)] partial class @class;" },
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Generator_neither_throws_nor_stays_silent(string description, string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run("using StaticNet;\n\n" + declaration);

        Assert.Null(run.Result.Exception);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "SN0099");
        if (run.Source is null)
        {
            Assert.True(
                run.Diagnostics.Any(IsError) || run.InputDiagnostics.Any(IsError),
                $"'{description}': no source, and no error from the generator or the compiler to say why.");
        }
        else
        {
            // Compiler diagnostics the generated code brought, over those of the declaration itself.
            Diagnostic[] added = run.OutputDiagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error && !run.InputDiagnostics.Any(i => i.ToString() == d.ToString()))
                .ToArray();
            Assert.True(added.Length == 0, $"'{description}': the generated code does not compile:\n" + GeneratorRun.Describe(added));
        }
    }

    /// <summary>
    /// With a padding near int.MaxValue, products of sizes overflow even a <see cref="long"/>; unless the
    /// arithmetic saturates, they wrap to negative numbers, pass the "more than int.MaxValue" test, and
    /// the network is accepted with an output of 1x-1x-1 or a 4-float buffer for a padded copy of
    /// about 2^64 values.
    /// </summary>
    [Theory]
    [InlineData("[Network, Input(1, 1, 1), Conv2D(1, Kernel = 1, Padding = int.MaxValue)] partial class Net;")]
    [InlineData("[Network, Input(2, 1, 1), MaxPool2D(int.MaxValue, Padding = 1073741823)] partial class Net;")]
    public void Sizes_that_overflow_a_long_are_reported_too_large(string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run("using StaticNet;\n\n" + declaration);

        Assert.Contains(run.Diagnostics, d => d.Id == "SN0013");
        Assert.Null(run.Source);
    }

    private static bool IsError(Diagnostic diagnostic) => diagnostic.Severity == DiagnosticSeverity.Error && !diagnostic.IsWarningAsError;
}
