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
        // The first wraps around a long; see Sizes_that_overflow_a_long_are_reported_too_large.
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

        // The layer catalog: rates, momenta and slopes at and past their limits.
        { "dropout of rate 0", "[Network, Input(4), Dropout(0), Dense(2)] partial class Net;" },
        { "dropout of rate NaN", "[Network, Input(4), Dropout(double.NaN), Dense(2)] partial class Net;" },
        { "dropout of rate just below 1", "[Network, Input(4), Dropout(0.9999999999999999), Dense(2)] partial class Net;" },
        { "batch norm with NaN momentum and infinite epsilon", "[Network, Input(1, 2, 2), BatchNorm2D(Momentum = double.NaN, Epsilon = double.PositiveInfinity)] partial class Net;" },
        { "batch norm of momentum 0 and 1", "[Network, Input(4), BatchNorm1D(Momentum = 0), BatchNorm1D(Momentum = 1)] partial class Net;" },
        { "batch norm of a 1x1 image", "[Network, Input(3, 1, 1), BatchNorm2D, GlobalAvgPool2D] partial class Net;" },
        { "batch norm whose statistics overflow", "[Network, Input(1073741823), BatchNorm1D] partial class Net;" },
        { "slope too large for a float", "[Network, Input(4), LeakyReLU(double.MaxValue)] partial class Net;" },
        { "ELU of negative alpha", "[Network, Input(4), ELU(-2)] partial class Net;" },
        { "softplus of infinite beta", "[Network, Input(4), Softplus(Beta = double.PositiveInfinity, Threshold = double.NaN)] partial class Net;" },
        { "constant initializer too large for a float", "[Network, Input(4), Dense(2, WeightInit = Init.Constant, WeightInitValue = 1e39)] partial class Net;" },
        { "initializer values out of the enums", "[Network, Input(4), Dense(2, WeightInit = (Init)(-1), BiasInit = (Init)9, InitMode = (FanMode)7, InitNonlinearity = (Nonlinearity)99)] partial class Net;" },
        { "dilation of int.MaxValue", "[Network, Input(1, 8, 8), Conv2D(1, int.MaxValue, Dilation = int.MaxValue)] partial class Net;" },
        { "dilation that just fits", "[Network, Input(1, 9, 9), Conv2D(1, 5, Dilation = 2), Flatten] partial class Net;" },

        // The graph: references to nothing, to itself, to later layers, and values read many times.
        { "Add of itself", "[Network, Input(4), Dense(4), Add(\"add1\")] partial class Net;" },
        { "Add of null", "[Network, Input(4), Dense(4), Add(null!)] partial class Net;" },
        { "Add of an empty name", "[Network, Input(4), Dense(4), Add(\"\")] partial class Net;" },
        { "From on the first layer", "[Network, Input(4), Dense(4, From = \"fc1\")] partial class Net;" },
        { "From an empty name", "[Network, Input(4), Dense(4, From = \"\"), Dense(2)] partial class Net;" },
        { "Add as the first layer", "[Network, Input(4), Add(\"fc1\"), Dense(4)] partial class Net;" },
        { "a value read by five layers", "[Network, Input(4), Dense(4, Name = \"x\"), Add(\"x\"), Add(\"x\"), Add(\"x\"), Add(\"x\", From = \"x\")] partial class Net;" },
        { "a flatten read through From and Add", "[Network, Input(1, 2, 2), Conv2D(1, 1), Flatten(Name = \"f\"), Dense(4), Add(\"f\"), Dense(4, From = \"f\"), Add(\"add1\")] partial class Net;" },
        { "a frozen layer that is all there is", "[Network, Input(4), Dense(2, Frozen = true)] partial class Net;" },
        { "dropout and batch norm with no parameters at all", "[Network, Input(4), BatchNorm1D(Affine = false), Dropout] partial class Net;" },

        // Names that are valid layer names but may collide with what the generator writes.
        { "layer named like a generated member", "[Network, Input(4), Dense(2, Name = \"run\"), ReLU(Name = \"initialize\")] partial class Net;" },
        // Names the generated class already uses: a nested type may not share its enclosing type's name (CS0542).
        { "layer named 'layers'", "[Network, Input(4), Dense(2, Name = \"layers\")] partial class Net;" },
        { "layers named like the members the catalog adds", "[Network, Input(4), Dense(4, Name = \"step\"), Dropout(Name = \"state\"), BatchNorm1D(Name = \"freeze_index\"), Dense(2, Name = \"set_frozen\")] partial class Net;" },
        { "network class named Range", "[Network, Input(4), Dense(4), Dropout, Dense(2)] partial class Range;" },
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
    /// the network is accepted with an output of 1x-1x-1, or of int.MaxValue x 2^32 x 2^32 values.
    /// </summary>
    [Theory]
    [InlineData("[Network, Input(1, 1, 1), Conv2D(1, Kernel = 1, Padding = int.MaxValue)] partial class Net;")]
    [InlineData("[Network, Input(1, 1, 1), Conv2D(int.MaxValue, Kernel = 1, Padding = 1073741823)] partial class Net;")]
    public void Sizes_that_overflow_a_long_are_reported_too_large(string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run("using StaticNet;\n\n" + declaration);

        Assert.Contains(run.Diagnostics, d => d.Id == "SN0013");
        Assert.Null(run.Source);
    }

    private static bool IsError(Diagnostic diagnostic) => diagnostic.Severity == DiagnosticSeverity.Error && !diagnostic.IsWarningAsError;
}
