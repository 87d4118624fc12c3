using System.Globalization;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Diagnostics;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// One test per diagnostic id, named after it: a declaration that is valid C# but an invalid
/// network, the one error it gets, the exact attribute it points at, and the full message a user
/// reads. An invalid declaration must generate no source.
/// </summary>
public sealed partial class DiagnosticTests
{
    [Fact]
    public void Every_diagnostic_id_has_a_test_here()
    {
        string[] tested = typeof(DiagnosticTests).GetMethods().Select(m => m.Name).Where(n => n.StartsWith("SN")).Select(n => n.Substring(0, 6)).ToArray();
        string[] ids = typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .Where(id => id != "SN0099") // The internal-error diagnostic has no honest trigger: reaching it is a bug.
            .ToArray();

        Assert.Empty(ids.Except(tested));
    }

    [Fact]
    public void A_valid_declaration_reports_nothing()
    {
        GeneratorRun run = GeneratorHarness.Run(Networks.LeNet5);

        Assert.Empty(run.Diagnostics);
        Assert.NotNull(run.Source);
    }

    [Fact]
    public void SN0001_class_not_partial()
    {
        AssertSingleError(
            """
            [Network]
            [Input(4)]
            [Dense(2)]
            class Plain;
            """,
            "SN0001",
            "Network",
            "Network class 'Plain' must be declared 'partial' so that StaticNet can generate its Forward and Backward code");
    }

    [Theory]
    [InlineData("partial class Net<T>;", "generic")]
    [InlineData("static partial class Net;", "static")]
    public void SN0002_unsupported_class(string declaration, string reason)
    {
        AssertSingleError(
            "[Network]\n[Input(4)]\n[Dense(2)]\n" + declaration,
            "SN0002",
            "Network",
            $"Network class 'Net' must be a non-generic, non-static class declared directly in a namespace, but it is {reason}");
    }

    [Fact]
    public void SN0002_nested_class()
    {
        AssertSingleError(
            """
            partial class Outer
            {
                [Network]
                [Input(4)]
                [Dense(2)]
                partial class Net;
            }
            """,
            "SN0002",
            "Network",
            "Network class 'Net' must be a non-generic, non-static class declared directly in a namespace, but it is nested in Outer");
    }

    [Fact]
    public void SN0002_class_nested_in_a_generic_class()
    {
        // The containing type's type parameters make the class generic too; the message names where they come from.
        AssertSingleError(
            """
            partial class Outer<T>
            {
                [Network]
                [Input(4)]
                [Dense(2)]
                partial class Net;
            }
            """,
            "SN0002",
            "Network",
            "Network class 'Net' must be a non-generic, non-static class declared directly in a namespace, but it is nested in Outer<T>");
    }

    [Fact]
    public void SN0002_file_class()
    {
        // The generated part of a file class would be another class, local to the generated file.
        AssertSingleError(
            """
            [Network]
            [Input(4)]
            [Dense(2)]
            file partial class Net;
            """,
            "SN0002",
            "Network",
            "Network class 'Net' must be a non-generic, non-static class declared directly in a namespace, but it is file-local, and the generated part of a file class would be a class of its own in another file");
    }

    [Fact]
    public void SN0003_no_input()
    {
        AssertSingleError(
            """
            [Network]
            [Dense(2)]
            partial class Net;
            """,
            "SN0003",
            "Network",
            "Network 'Net' has no [Input] attribute; declare the shape of one sample, e.g. [Input(1, 28, 28)] for an image or [Input(784)] for a vector");
    }

    [Theory]
    [InlineData("[Input(1, 0, 28)]", "0", "(1, 0, 28)")]
    [InlineData("[Input(0, 4, -1)]", "Input(0, 4, -1)", "(0, 4, -1)")] // several sizes at fault: the attribute is
    public void SN0004_input_size_zero(string input, string span, string sizes)
    {
        AssertSingleError($"[Network]\n{input}\n[Dense(2)]\npartial class Net;", "SN0004", span, $"[Input] sizes must be at least 1, but network 'Net' declares {sizes}");
    }

    [Fact]
    public void SN0005_no_layers()
    {
        AssertSingleError(
            """
            [Network]
            [Input(4)]
            partial class Net;
            """,
            "SN0005",
            "Network",
            "Network 'Net' declares no layers; add at least one, e.g. [Dense(10)]");
    }

    [Theory]
    [InlineData("[Input(4)]\n[Dense(0)]", "0", "Dense 'fc1': units must be at least 1, but is 0")]
    [InlineData("[Input(1, 8, 8)]\n[Conv2D(4)]", "Conv2D(4)", "Conv2D 'conv1': Kernel must be at least 1 (set it with Conv2D(filters, kernel) or Kernel = k), but is 0")]
    [InlineData("[Input(1, 8, 8)]\n[AvgPool2D(2, Stride = -1, Name = \"down\")]", "Stride = -1", "AvgPool2D 'down': Stride must be at least 1 (or 0 for the kernel size), but is -1")]
    public void SN0006_layer_argument_out_of_range(string attributes, string span, string message)
    {
        AssertSingleError("[Network]\n" + attributes + "\npartial class Net;", "SN0006", span, message);
    }

    [Fact]
    public void SN0007_window_larger_than_padded_input()
    {
        AssertSingleError(
            """
            [Network]
            [Input(1, 8, 8)]
            [MaxPool2D(2)]
            [Conv2D(2, Kernel = 7, Padding = 1, Name = "big")]
            partial class Net;
            """,
            "SN0007",
            "Conv2D(2, Kernel = 7, Padding = 1, Name = \"big\")",
            "Conv2D 'big' has a 7x7 window, larger than its padded input: 'pool1' produces 1x4x4, which is 6x6 with padding 1");
    }

    [Fact]
    public void SN0008_spatial_layer_on_flat_input()
    {
        AssertSingleError(
            """
            [Network]
            [Input(16)]
            [ReLU, MaxPool2D(2)]
            partial class Net;
            """,
            "SN0008",
            "MaxPool2D(2)",
            "MaxPool2D 'pool1' needs a [channels, height, width] input, but 'relu1' produces a flat vector of 16");
    }

    [Fact]
    public void SN0009_dense_on_spatial_input()
    {
        // LeNet-5 without its [Flatten], the example of the design guide.
        AssertSingleError(
            """
            [Network]
            [Input(1, 28, 28)]
            [Conv2D(6, Kernel = 5, Padding = 2), ReLU, MaxPool2D(2)]
            [Conv2D(16, Kernel = 5), ReLU, MaxPool2D(2)]
            [Dense(120), ReLU]
            [Dense(84), ReLU]
            [Dense(10)]
            partial class Net;
            """,
            "SN0009",
            "Dense(120)",
            "Dense 'fc1' expects a flat input, but 'pool2' produces 16x5x5 = 400; add [Flatten] before it");
    }

    [Fact]
    public void SN0010_softmax_not_last()
    {
        AssertSingleError(
            """
            [Network]
            [Input(4)]
            [Softmax]
            [Dense(2)]
            partial class Net;
            """,
            "SN0010",
            "Softmax",
            "Softmax 'softmax1' must be the last layer, but Dense 'fc1' follows it");
    }

    [Fact]
    public void SN0011_duplicate_layer_name()
    {
        // An explicit name that repeats a default one: the second use is the error.
        AssertSingleError(
            """
            [Network]
            [Input(4)]
            [Dense(8), ReLU]
            [Dense(2, Name = "fc1")]
            partial class Net;
            """,
            "SN0011",
            "Name = \"fc1\"",
            "Layer name 'fc1' is already used by Dense layer #1; layer names must be unique");
    }

    [Fact]
    public void SN0012_invalid_layer_name()
    {
        AssertSingleError(
            """
            [Network]
            [Input(4)]
            [Dense(2, Name = "2nd-layer")]
            partial class Net;
            """,
            "SN0012",
            "Name = \"2nd-layer\"",
            "Layer name '2nd-layer' is not valid: a name starts with a letter and continues with letters, digits or '_'");
    }

    [Fact]
    public void SN0013_layer_too_large()
    {
        AssertSingleError(
            """
            [Network]
            [Input(784)]
            [Dense(int.MaxValue)]
            partial class Net;
            """,
            "SN0013",
            "Dense(int.MaxValue)",
            "Dense 'fc1' makes the network too large: its weight would hold 1683627179248 values, more than the 2147483647 a buffer can index");
    }

    [Fact]
    public void SN0013_input_too_large()
    {
        AssertSingleError(
            """
            [Network]
            [Input(65536, 65536, 1)]
            [Dense(2)]
            partial class Net;
            """,
            "SN0013",
            "Input(65536, 65536, 1)",
            "Input 'Net' makes the network too large: the input would hold 4294967296 values, more than the 2147483647 a buffer can index");
    }

    [Fact]
    public void SN0014_pool_padding_over_half_the_kernel()
    {
        AssertSingleError(
            """
            [Network]
            [Input(1, 8, 8)]
            [MaxPool2D(2, Padding = 2)]
            partial class Net;
            """,
            "SN0014",
            "Padding = 2",
            "MaxPool2D 'pool1': Padding must be at most half the kernel (1), but is 2");
    }

    [Fact]
    public void SN0015_runtime_not_referenced()
    {
        // A valid network in a project that has the attributes but not the runtime the generated code calls.
        GeneratorRun run = GeneratorHarness.Run(Networks.Mlp, referenceRuntime: false);

        AssertSingleError(
            run,
            "SN0015",
            "Network",
            "Network 'Mlp' needs the StaticNet.Runtime assembly, which this project does not reference; add the StaticNet package or a reference to StaticNet.Runtime");
    }

    [Fact]
    public void SN0016_layers_on_two_partial_declarations()
    {
        AssertSingleError(
            """
            [Network]
            [Input(4)]
            [Dense(8)]
            partial class Net;

            [ReLU, Dense(2)]
            partial class Net;
            """,
            "SN0016",
            "Network",
            "Network 'Net' declares layers on more than one partial declaration; keep [Network], [Input] and every layer on one declaration so that their order is defined");
    }

    [Theory]
    [InlineData("[Input(8)]\n[Dropout(1.0)]", "1.0", "Dropout 'dropout1': rate must be from 0 to below 1, but is 1")]
    [InlineData("[Input(8)]\n[Dropout(-0.1)]", "-0.1", "Dropout 'dropout1': rate must be from 0 to below 1, but is -0.1")]
    [InlineData("[Input(1, 8, 8)]\n[BatchNorm2D(Momentum = 1.5)]", "Momentum = 1.5", "BatchNorm2D 'bn1': Momentum must be from 0 to 1, but is 1.5")]
    [InlineData("[Input(8)]\n[BatchNorm1D(Epsilon = 0)]", "Epsilon = 0", "BatchNorm1D 'bn1': Epsilon must be a finite number from 1E-77 to 3.4028235E+38 (so that 1/sqrt(variance + Epsilon) fits a float), but is 0")]
    [InlineData("[Input(1, 8, 8)]\n[Conv2D(2, 3, Dilation = 0)]", "Dilation = 0", "Conv2D 'conv1': Dilation must be at least 1, but is 0")]
    [InlineData("[Input(8)]\n[Softplus(Beta = 0)]", "Beta = 0", "Softplus 'softplus1': Beta must be a finite number from 1.1754944E-38 to 3.4028235E+38 (so that log(1 + exp(Beta * x)) / Beta fits a float), but is 0")]
    [InlineData("[Input(8)]\n[LeakyReLU(double.NaN)]", "double.NaN", "LeakyReLU 'leaky_relu1': slope must be a finite number from -3.4028235E+38 to 3.4028235E+38, but is NaN")]
    [InlineData("[Input(8)]\n[Dense(2, WeightInit = (Init)42)]", "WeightInit = (Init)42", "Dense 'fc1': WeightInit must be one of the values of StaticNet.Init, but is 42")]
    public void SN0006_new_layer_argument_out_of_range(string attributes, string span, string message)
    {
        AssertSingleError("[Network]\n" + attributes + "\npartial class Net;", "SN0006", span, message);
    }

    /// <summary>
    /// Numbers inside the range a float can hold but outside the one where the layer's float results
    /// stay finite: a beta that rounds to 0 in float (or whose log(2) / beta does not fit one), a
    /// threshold past which exp overflows, an epsilon whose 1/sqrt does not fit a float.
    /// </summary>
    [Theory]
    [InlineData("Softplus(Beta = 5E-324)", "Beta = 5E-324", "Softplus 'softplus1': Beta must be a finite number from 1.1754944E-38 to 3.4028235E+38 (so that log(1 + exp(Beta * x)) / Beta fits a float), but is 5E-324")]
    [InlineData("Softplus(Beta = 1E-39)", "Beta = 1E-39", "Softplus 'softplus1': Beta must be a finite number from 1.1754944E-38 to 3.4028235E+38 (so that log(1 + exp(Beta * x)) / Beta fits a float), but is 1E-39")]
    [InlineData("Softplus(Threshold = 710)", "Threshold = 710", "Softplus 'softplus1': Threshold must be a finite number from -3.4028235E+38 to 709 (above it, exp(Beta * x) overflows), but is 710")]
    [InlineData("Softplus(Threshold = double.NegativeInfinity)", "Threshold = double.NegativeInfinity", "Softplus 'softplus1': Threshold must be a finite number from -3.4028235E+38 to 709 (above it, exp(Beta * x) overflows), but is -Infinity")]
    [InlineData("BatchNorm1D(Epsilon = 1E-300)", "Epsilon = 1E-300", "BatchNorm1D 'bn1': Epsilon must be a finite number from 1E-77 to 3.4028235E+38 (so that 1/sqrt(variance + Epsilon) fits a float), but is 1E-300")]
    [InlineData("ELU(double.PositiveInfinity)", "double.PositiveInfinity", "ELU 'elu1': alpha must be a finite number from -3.4028235E+38 to 3.4028235E+38, but is Infinity")]
    [InlineData("Dense(2, WeightInit = Init.Constant, WeightInitValue = -1E39)", "WeightInitValue = -1E39", "Dense 'fc1': WeightInitValue must be a finite number from -3.4028235E+38 to 3.4028235E+38, but is -1E+39")]
    [InlineData("Dense(2, WeightInit = Init.KaimingUniform, InitNonlinearity = Nonlinearity.LeakyReLU, InitSlope = double.NaN)", "InitSlope = double.NaN", "Dense 'fc1': InitSlope must be a finite number from -3.4028235E+38 to 3.4028235E+38, but is NaN")]
    public void SN0006_float_argument_outside_the_finite_range(string layer, string span, string message)
    {
        AssertSingleError($"[Network]\n[Input(8)]\n[{layer}]\npartial class Net;", "SN0006", span, message);
    }

    [Theory]
    [InlineData("Conv2D(4, 3, Padding = -1)", "Padding = -1", "Conv2D 'conv1': Padding must be at least 0, but is -1")]
    [InlineData("Conv2D(4, Padding = 1)", "Conv2D(4, Padding = 1)", "Conv2D 'conv1': Kernel must be at least 1 (set it with Conv2D(filters, kernel) or Kernel = k), but is 0")] // no argument is at fault when the kernel is missing: the attribute is
    [InlineData("Conv2D(4, -3)", "-3", "Conv2D 'conv1': Kernel must be at least 1 (set it with Conv2D(filters, kernel) or Kernel = k), but is -3")]
    [InlineData("Conv2D(kernel: 3, filters: 0)", "filters: 0", "Conv2D 'conv1': filters must be at least 1, but is 0")]
    [InlineData("MaxPool2D(0, Stride = 1)", "0", "MaxPool2D 'pool1': kernel must be at least 1, but is 0")]
    public void SN0006_is_reported_on_the_argument_at_fault(string layer, string span, string message)
    {
        AssertSingleError($"[Network]\n[Input(1, 8, 8)]\n[{layer}]\npartial class Net;", "SN0006", span, message);
    }

    [Fact]
    public void SN0012_empty_layer_name()
    {
        // An empty name is not "no name": it is a name that cannot prefix a state_dict entry.
        AssertSingleError(
            "[Network]\n[Input(4)]\n[Dense(2, Name = \"\")]\npartial class Net;",
            "SN0012",
            "Name = \"\"",
            "Layer name '' is not valid: a name starts with a letter and continues with letters, digits or '_'");
    }

    [Fact]
    public void SN0017_from_an_empty_name()
    {
        AssertSingleError(
            "[Network]\n[Input(4)]\n[Dense(4), Dense(2, From = \"\")]\npartial class Net;",
            "SN0017",
            "From = \"\"",
            "Dense 'fc2' refers to '' in From, but no layer declared before it has that name; an empty name is no layer's; remove From to take the output of the layer before");
    }

    [Theory]
    [InlineData("RunForward")]
    [InlineData("RunBackward")]
    [InlineData("ReduceForward")]
    [InlineData("Summary")]
    [InlineData("InputLength")]
    [InlineData("OutputLength")]
    public void SN0022_class_named_like_a_generated_member(string name)
    {
        AssertSingleError(
            $"[Network, Input(6), LeakyReLU(0.01), BatchNorm1D]\npartial class {name};",
            "SN0022",
            name,
            $"Network class '{name}' cannot have that name: StaticNet generates a member '{name}' in it, and a member cannot have the name of its class; rename the class");
    }

    [Fact]
    public void SN0022_class_named_like_a_generated_private_member()
    {
        // Not only the public API: the network's private definition is a member too.
        AssertSingleError(
            "[Network, Input(6), Dense(2)]\npartial class s_definition;",
            "SN0022",
            "s_definition",
            "Network class 's_definition' cannot have that name: StaticNet generates a member 's_definition' in it, and a member cannot have the name of its class; rename the class");
    }

    [Theory]
    [InlineData("Tanh(Name = \"Name\")", "Name", "Layers.Name would have the name of its own member Name")]
    [InlineData("ReLU(Name = \"OutputLength\")", "OutputLength", "Layers.OutputLength would have the name of its own member OutputLength")]
    [InlineData("Conv2D(2, 1, Name = \"weight_offset\")", "weight_offset", "Layers.WeightOffset would have the name of its own member WeightOffset")]
    [InlineData("ReLU(Name = \"ToString\")", "ToString", "Layers.ToString would hide the member ToString it inherits from object")]
    [InlineData("ReLU(Name = \"get_hash_code\")", "get_hash_code", "Layers.GetHashCode would hide the member GetHashCode it inherits from object")]
    public void SN0023_layer_named_like_a_member_of_its_constants_class(string layer, string name, string clash)
    {
        AssertSingleError(
            $"[Network]\n[Input(1, 6, 6), {layer}]\npartial class Net;",
            "SN0023",
            $"Name = \"{name}\"",
            $"Layer name '{name}' cannot be used: its constants class {clash}; rename the layer");
    }

    [Theory]
    [InlineData("void Forward() { }", "Forward", "Member 'Forward'")]
    [InlineData("void s_definition() { }", "s_definition", "Member 's_definition'")]
    [InlineData("int Threads { get; set; }", "Threads", "Member 'Threads'")]
    [InlineData("void RunForward() { }", "RunForward", "Member 'RunForward'")]
    [InlineData("class Layers { }", "Layers", "Member 'Layers'")]
    [InlineData("Net(int a, int b) : this(a) { }\nNet(int a) { }", "Net", "The constructor (int, int)")]
    public void SN0024_member_named_like_a_generated_one(string member, string span, string what)
    {
        AssertSingleError(
            "[Network, Input(4), Dense(2)]\npartial class Net\n{\n" + member + "\n}",
            "SN0024",
            span,
            $"{what} of network class 'Net' has the {(what.StartsWith("The constructor") ? "parameters of the constructor" : "name of a member")} that StaticNet generates in the class; rename it");
    }

    [Theory]
    [InlineData("[Conv2D(5, 3)]", "'conv1' produces 5x4x8; bring the height from 4 to 1, with a convolution or pooling over the whole height (e.g. KernelHeight = 4), so that the 8 columns are the steps")]
    [InlineData("[Flatten, Dense(5)]", "'fc1' produces 5; a flat output has no steps; keep the image and reduce its height to 1 instead of flattening it")]
    public void SN0042_sequence_output_that_is_not_one_row_of_steps(string layers, string produces)
    {
        AssertSingleError(
            $"[Network(Output = NetworkOutput.Sequence), Input(2, 6, 10)]\n{layers}\npartial class Reader;",
            "SN0042",
            "Output = NetworkOutput.Sequence",
            "Network 'Reader' declares a sequence output, [classes, 1, steps], each column a step of class scores, but its last layer " + produces);
    }

    [Fact]
    public void Sequence_output_one_row_high_gets_its_steps_and_classes_as_constants()
    {
        GeneratorRun run = GeneratorHarness.Run("using StaticNet;\n[Network(Output = NetworkOutput.Sequence), Input(2, 6, 10), Conv2D(5, KernelHeight = 6, KernelWidth = 3)] partial class Reader;");

        Assert.Empty(run.Diagnostics);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics));
        Assert.Contains("public const int SequenceSteps = 8, SequenceClasses = 5;", run.Source);
    }

    [Fact]
    public void SN0040_network_with_a_base_class_of_its_own()
    {
        AssertSingleError(
            "class Base { }\n[Network, Input(4), Dense(2)]\npartial class Net : Base, System.IDisposable { public void Dispose() { } }",
            "SN0040",
            "Base",
            "Network class 'Net' derives from 'Base', but its generated half derives from StaticNet.CompiledNetwork, the engine every network runs on, and a class has one base class; remove the base class, and share code through a field or an interface");
    }

    [Fact]
    public void Network_may_name_the_engine_as_its_base_class_and_implement_interfaces()
    {
        GeneratorRun run = GeneratorHarness.Run("using StaticNet;\n[Network, Input(4), Dense(2)]\npartial class Net : CompiledNetwork, System.IDisposable { public void Dispose() { } }");

        Assert.Empty(run.Diagnostics);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics));
    }

    [Theory]
    [InlineData("[Input(6), Dense(2)]", "Input(6)", "Input")]
    [InlineData("[Dense(4)]\n[ReLU, Input(6)]", "Dense(4)", "Dense")]
    [InlineData("[StaticNet.LeakyReLU]", "StaticNet.LeakyReLU", "LeakyReLU")]
    public void SN0025_layer_attributes_without_network(string attributes, string span, string first)
    {
        AssertSingleError(
            attributes + "\npartial class Net;",
            "SN0025",
            span,
            $"Class 'Net' has [{first}] but no [Network], so StaticNet does not compile it; add [Network] to declare a network, or remove the StaticNet attributes");

        // With [Network] on another part the class is a network: its error is the split (SN0016), not a missing [Network].
        GeneratorRun split = GeneratorHarness.Run("using StaticNet;\n" + attributes + " partial class Net;\n[Network] partial class Net;");
        Assert.Contains(split.Diagnostics, d => d.Id == "SN0016");
        Assert.DoesNotContain(split.Diagnostics, d => d.Id == "SN0025");
    }

    [Fact]
    public void SN0007_dilated_window_larger_than_padded_input()
    {
        AssertSingleError(
            """
            [Network]
            [Input(1, 8, 8)]
            [Conv2D(2, 3, Dilation = 4)]
            partial class Net;
            """,
            "SN0007",
            "Conv2D(2, 3, Dilation = 4)",
            "Conv2D 'conv1' has a 9x9 (3x3 dilated by 4) window, larger than its padded input: 'input' produces 1x8x8, which is 8x8 with padding 0");
    }

    [Theory]
    [InlineData("BatchNorm2D", "BatchNorm2D 'bn1' needs a [channels, height, width] input, but 'fc1' produces a flat vector of 16")]
    [InlineData("GlobalAvgPool2D", "GlobalAvgPool2D 'gap1' needs a [channels, height, width] input, but 'fc1' produces a flat vector of 16")]
    public void SN0008_image_layer_on_flat_input(string layer, string message)
    {
        AssertSingleError($"[Network]\n[Input(8)]\n[Dense(16), {layer}]\npartial class Net;", "SN0008", layer, message);
    }

    [Fact]
    public void SN0009_batch_norm_1d_on_image_input()
    {
        AssertSingleError(
            """
            [Network]
            [Input(3, 4, 4)]
            [Conv2D(8, 3), BatchNorm1D]
            partial class Net;
            """,
            "SN0009",
            "BatchNorm1D",
            "BatchNorm1D 'bn1' expects a flat input, but 'conv1' produces 8x2x2 = 32; add [Flatten] before it");
    }

    [Fact]
    public void SN0010_log_softmax_not_last()
    {
        AssertSingleError(
            """
            [Network]
            [Input(4)]
            [LogSoftmax, Dropout]
            partial class Net;
            """,
            "SN0010",
            "LogSoftmax",
            "LogSoftmax 'log_softmax1' must be the last layer, but Dropout 'dropout1' follows it");
    }

    [Fact]
    public void SN0017_add_of_a_layer_declared_after()
    {
        AssertSingleError(
            """
            [Network]
            [Input(8)]
            [Dense(8), Add("later"), ReLU(Name = "later")]
            partial class Net;
            """,
            "SN0017",
            "\"later\"",
            "Add 'add1' refers to 'later' in Add, but no layer declared before it has that name; it is declared after this layer, and a layer can use only the outputs of layers declared before it");
    }

    [Fact]
    public void SN0017_from_a_misspelt_layer()
    {
        AssertSingleError(
            """
            [Network]
            [Input(8)]
            [Dense(8, Name = "block_in"), ReLU]
            [Dense(8, From = "blockin")]
            partial class Net;
            """,
            "SN0017",
            "From = \"blockin\"",
            "Dense 'fc2' refers to 'blockin' in From, but no layer declared before it has that name; the layers before it are 'block_in', 'relu1'");
    }

    [Fact]
    public void SN0017_the_network_input()
    {
        AssertSingleError(
            """
            [Network]
            [Input(8)]
            [Dense(8), Add("input")]
            partial class Net;
            """,
            "SN0017",
            "\"input\"",
            "Add 'add1' refers to 'input' in Add, but no layer declared before it has that name; the network input cannot be referenced; start the shared path with a layer of its own");
    }

    [Fact]
    public void SN0018_residual_shapes_differ()
    {
        // A basic block that halves the resolution and doubles the channels, without a projection on its shortcut.
        AssertSingleError(
            """
            [Network]
            [Input(1, 28, 28)]
            [Conv2D(16, 3, Padding = 1), ReLU(Name = "block_in")]
            [Conv2D(32, 3, Stride = 2, Padding = 1), ReLU]
            [Conv2D(32, 3, Padding = 1, Name = "main")]
            [Add("block_in")]
            partial class Net;
            """,
            "SN0018",
            "Add(\"block_in\")",
            "Add 'add1' adds the output of 'block_in' (16x28x28) to that of 'main' (32x14x14), but the shapes differ; project the shortcut first, e.g. [Conv2D(32, 1, Stride = 2, Bias = false, From = \"block_in\"), BatchNorm2D] before the Add, and add its output instead");
    }

    [Fact]
    public void SN0039_concat_of_images_of_different_sizes()
    {
        AssertSingleError(
            """
            [Network]
            [Input(3, 8, 8)]
            [Conv2D(4, 3, Padding = 1, Name = "same")]
            [Conv2D(4, 3, From = "same", Name = "smaller")]
            [Concat("same")]
            partial class Net;
            """,
            "SN0039",
            "Concat(\"same\")",
            "Concat 'concat1' joins along channels, but its input 'smaller' gives 4x6x6 and 'same' gives 4x8x8; it joins outputs of the same height and width only");
    }

    [Fact]
    public void SN0039_concat_of_an_image_and_a_vector()
    {
        AssertSingleError(
            """
            [Network]
            [Input(2, 4, 4)]
            [Conv2D(2, 1, Name = "image"), Flatten(Name = "flat")]
            [Concat("image")]
            partial class Net;
            """,
            "SN0039",
            "Concat(\"image\")",
            "Concat 'concat1' joins along channels, but its input 'flat' gives 32 and 'image' gives 2x4x4; it joins flat outputs only");
    }

    [Fact]
    public void SN0017_concat_of_an_unknown_layer()
    {
        AssertSingleError(
            """
            [Network]
            [Input(8)]
            [Dense(8, Name = "a"), Dense(8), Concat("a", "missing")]
            partial class Net;
            """,
            "SN0017",
            "\"missing\"",
            "Concat 'concat1' refers to 'missing' in Concat, but no layer declared before it has that name; the layers before it are 'a', 'fc2'");
    }

    [Fact]
    public void SN0006_concat_of_nothing()
    {
        AssertSingleError(
            "[Network]\n[Input(8)]\n[Dense(8), Concat]\npartial class Net;",
            "SN0006",
            "Concat",
            "Concat 'concat1': layers must be at least one layer to join to the input (Concat(\"name\", ...)), but is none");
    }

    [Fact]
    public void SN0019_layer_output_never_used()
    {
        AssertSingleError(
            """
            [Network]
            [Input(8)]
            [Dense(8, Name = "a"), Dense(4, Name = "b")]
            [Dense(2, From = "a")]
            partial class Net;
            """,
            "SN0019",
            "Dense(4, Name = \"b\")",
            "The output of Dense 'b' is never used: the next layer takes its input From 'a' and no layer refers to 'b'; remove the layer, or use it with From or Add");
    }

    [Theory]
    [InlineData("Dense(4, BiasInit = Init.KaimingUniform)", "BiasInit = Init.KaimingUniform", "Dense 'fc1': Init.KaimingUniform scales by fan-in or fan-out, which the 1-dimensional bias does not have; use Init.Zeros, Init.Ones, Init.Constant or Init.Default")]
    [InlineData("BatchNorm1D(WeightInit = Init.XavierNormal)", "WeightInit = Init.XavierNormal", "BatchNorm1D 'bn1': Init.XavierNormal scales by fan-in or fan-out, which the 1-dimensional weight does not have; use Init.Zeros, Init.Ones, Init.Constant or Init.Default")]
    public void SN0020_fan_initializer_on_a_vector(string layer, string span, string message)
    {
        AssertSingleError($"[Network]\n[Input(8)]\n[{layer}]\npartial class Net;", "SN0020", span, message);
    }

    [Theory]
    [InlineData("Dense(4, WeightInitValue = 0.5)", "WeightInitValue = 0.5", "Dense 'fc1': WeightInitValue has no effect, because it sets the value of WeightInit = Init.Constant only; remove it")]
    [InlineData("Dense(4, Bias = false, BiasInit = Init.Ones)", "BiasInit = Init.Ones", "Dense 'fc1': BiasInit has no effect, because the layer has no bias with Bias = false; remove it")]
    [InlineData("Dense(4, WeightInit = Init.XavierUniform, InitMode = FanMode.FanOut)", "InitMode = FanMode.FanOut", "Dense 'fc1': InitMode has no effect, because it applies to WeightInit = Init.KaimingUniform or Init.KaimingNormal only; remove it")]
    [InlineData("Dense(4, InitNonlinearity = Nonlinearity.Tanh)", "InitNonlinearity = Nonlinearity.Tanh", "Dense 'fc1': InitNonlinearity has no effect, because it sets the gain of Kaiming and Xavier initializers only; remove it")]
    [InlineData("Dense(4, WeightInit = Init.KaimingNormal, InitSlope = 0.2)", "InitSlope = 0.2", "Dense 'fc1': InitSlope has no effect, because it applies to InitNonlinearity = Nonlinearity.LeakyReLU only; remove it")]
    [InlineData("BatchNorm1D(Affine = false, Frozen = true)", "Frozen = true", "BatchNorm1D 'bn1': Frozen has no effect, because the layer has no parameters with Affine = false; remove it")]
    public void SN0021_setting_without_effect(string layer, string span, string message)
    {
        AssertSingleError($"[Network]\n[Input(8)]\n[{layer}]\npartial class Net;", "SN0021", span, message);
    }

    [Theory]
    [InlineData("Conv2D(4, Kernel = 3, KernelWidth = 2)", "KernelWidth = 2", "Conv2D 'conv1' sets Kernel = 3 and KernelWidth = 2; give either the square Kernel or KernelHeight and KernelWidth")]
    [InlineData("Conv2D(4, 3, KernelHeight = 2)", "KernelHeight = 2", "Conv2D 'conv1' sets Kernel = 3 and KernelHeight = 2; give either the square Kernel or KernelHeight and KernelWidth")]
    [InlineData("Conv2D(4, 3, Stride = 2, StrideHeight = 1)", "StrideHeight = 1", "Conv2D 'conv1' sets Stride = 2 and StrideHeight = 1; give either the square Stride or StrideHeight and StrideWidth")]
    [InlineData("Conv2D(4, 3, PaddingWidth = 0, Padding = 1)", "PaddingWidth = 0", "Conv2D 'conv1' sets Padding = 1 and PaddingWidth = 0; give either the square Padding or PaddingHeight and PaddingWidth")]
    [InlineData("Conv2D(4, 3, Dilation = 2, DilationHeight = 1)", "DilationHeight = 1", "Conv2D 'conv1' sets Dilation = 2 and DilationHeight = 1; give either the square Dilation or DilationHeight and DilationWidth")]
    [InlineData("MaxPool2D(2, KernelWidth = 1)", "KernelWidth = 1", "MaxPool2D 'pool1' sets Kernel = 2 and KernelWidth = 1; give either the square Kernel or KernelHeight and KernelWidth")]
    [InlineData("AvgPool2D(2, Stride = 1, StrideWidth = 2)", "StrideWidth = 2", "AvgPool2D 'pool1' sets Stride = 1 and StrideWidth = 2; give either the square Stride or StrideHeight and StrideWidth")]
    [InlineData("AvgPool2D(3, Padding = 1, PaddingHeight = 0)", "PaddingHeight = 0", "AvgPool2D 'pool1' sets Padding = 1 and PaddingHeight = 0; give either the square Padding or PaddingHeight and PaddingWidth")]
    public void SN0041_square_and_per_axis_setting(string layer, string span, string message)
    {
        AssertSingleError($"[Network]\n[Input(1, 8, 8)]\n[{layer}]\npartial class Net;", "SN0041", span, message);
    }

    [Fact]
    public void SN0041_is_reported_on_each_per_axis_argument_beside_the_square_one()
    {
        GeneratorRun run = GeneratorHarness.Run(
            """
            using StaticNet;

            [Network]
            [Input(1, 8, 8)]
            [Conv2D(4, Kernel = 3, KernelHeight = 3, KernelWidth = 2)]
            partial class Net;
            """);

        Assert.Equal(
            new[] { ("SN0041", "KernelHeight = 3"), ("SN0041", "KernelWidth = 2") },
            run.Diagnostics.Select(d => (d.Id, run.SpanText(d))).ToArray());
        Assert.Null(run.Source);
    }

    [Theory]
    [InlineData("Conv2D(4, KernelHeight = 3)", "Conv2D(4, KernelHeight = 3)", "Conv2D 'conv1': KernelWidth must be at least 1 (give KernelWidth with KernelHeight, or the square Kernel alone), but is 0")] // the missing axis: the attribute is at fault
    [InlineData("Conv2D(4, KernelHeight = 0, KernelWidth = 2)", "KernelHeight = 0", "Conv2D 'conv1': KernelHeight must be at least 1, but is 0")]
    [InlineData("Conv2D(4, 3, StrideWidth = 0)", "StrideWidth = 0", "Conv2D 'conv1': StrideWidth must be at least 1, but is 0")]
    [InlineData("Conv2D(4, 3, StrideHeight = 2, StrideWidth = -1)", "StrideWidth = -1", "Conv2D 'conv1': StrideWidth must be at least 1, but is -1")]
    [InlineData("Conv2D(4, 3, PaddingHeight = -1)", "PaddingHeight = -1", "Conv2D 'conv1': PaddingHeight must be at least 0, but is -1")]
    [InlineData("Conv2D(4, 3, DilationWidth = 0)", "DilationWidth = 0", "Conv2D 'conv1': DilationWidth must be at least 1, but is 0")]
    [InlineData("MaxPool2D()", "MaxPool2D()", "MaxPool2D 'pool1': kernel must be at least 1 (set it with MaxPool2D(kernel), or KernelHeight and KernelWidth), but is 0")]
    [InlineData("MaxPool2D(KernelWidth = 2)", "MaxPool2D(KernelWidth = 2)", "MaxPool2D 'pool1': KernelHeight must be at least 1 (give KernelHeight with KernelWidth, or the square Kernel alone), but is 0")]
    [InlineData("AvgPool2D(KernelHeight = 2, KernelWidth = 0)", "KernelWidth = 0", "AvgPool2D 'pool1': KernelWidth must be at least 1, but is 0")]
    [InlineData("AvgPool2D(KernelHeight = 2, KernelWidth = 2, StrideHeight = -1)", "StrideHeight = -1", "AvgPool2D 'pool1': StrideHeight must be at least 1 (or 0 for the kernel's size along it), but is -1")]
    [InlineData("MaxPool2D(KernelHeight = 2, KernelWidth = 2, PaddingWidth = -1)", "PaddingWidth = -1", "MaxPool2D 'pool1': PaddingWidth must be at least 0, but is -1")]
    public void SN0006_per_axis_argument_out_of_range(string layer, string span, string message)
    {
        AssertSingleError($"[Network]\n[Input(1, 8, 8)]\n[{layer}]\npartial class Net;", "SN0006", span, message);
    }

    [Theory]
    [InlineData("Conv2D(2, KernelHeight = 3, KernelWidth = 3, DilationWidth = 2, PaddingHeight = 1)", "Conv2D 'conv1' has a 3x5 (3x3 dilated by (1, 2)) window, larger than its padded input: 'input' produces 1x8x4, which is 10x4 with padding (1, 0)")]
    [InlineData("Conv2D(2, KernelHeight = 1, KernelWidth = 5)", "Conv2D 'conv1' has a 1x5 window, larger than its padded input: 'input' produces 1x8x4, which is 8x4 with padding 0")]
    [InlineData("MaxPool2D(KernelHeight = 9, KernelWidth = 2, PaddingWidth = 1)", "MaxPool2D 'pool1' has a 9x2 window, larger than its padded input: 'input' produces 1x8x4, which is 8x6 with padding (0, 1)")]
    public void SN0007_window_larger_than_padded_input_on_one_axis(string layer, string message)
    {
        AssertSingleError($"[Network]\n[Input(1, 8, 4)]\n[{layer}]\npartial class Net;", "SN0007", layer, message);
    }

    [Theory]
    [InlineData("MaxPool2D(KernelHeight = 2, KernelWidth = 1, PaddingWidth = 1)", "PaddingWidth = 1", "MaxPool2D 'pool1': PaddingWidth must be at most half the kernel's width (0), but is 1")]
    [InlineData("AvgPool2D(KernelHeight = 2, KernelWidth = 4, PaddingHeight = 2)", "PaddingHeight = 2", "AvgPool2D 'pool1': PaddingHeight must be at most half the kernel's height (1), but is 2")]
    [InlineData("AvgPool2D(KernelHeight = 3, KernelWidth = 1, Padding = 1)", "Padding = 1", "AvgPool2D 'pool1': Padding must be at most half the kernel's width (0), but is 1")]
    public void SN0014_pool_padding_over_half_the_kernel_on_one_axis(string layer, string span, string message)
    {
        AssertSingleError($"[Network]\n[Input(1, 8, 8)]\n[{layer}]\npartial class Net;", "SN0014", span, message);
    }

    [Theory]
    [InlineData("Conv2D(4, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, PaddingHeight = 1, DilationWidth = 2)")]
    [InlineData("Conv2D(4, 3, StrideWidth = 2)")]
    [InlineData("MaxPool2D(KernelHeight = 2, KernelWidth = 1)")]
    [InlineData("AvgPool2D(KernelHeight = 3, KernelWidth = 1, PaddingHeight = 1, StrideWidth = 2)")]
    public void Per_axis_settings_without_a_square_one_report_nothing(string layer)
    {
        GeneratorRun run = GeneratorHarness.Run($"using StaticNet;\n\n[Network]\n[Input(1, 8, 8)]\n[{layer}]\npartial class Net;");

        Assert.Empty(run.Diagnostics);
        Assert.NotNull(run.Source);
    }

    [Fact]
    public void Every_invalid_layer_is_reported_on_its_own_argument()
    {
        GeneratorRun run = GeneratorHarness.Run(
            """
            using StaticNet;

            [Network]
            [Input(4)]
            [Dense(0), ReLU]
            [Dense(-3, Name = "out")]
            partial class Net;
            """);

        Assert.Equal(
            new[] { ("SN0006", "0"), ("SN0006", "-3") },
            run.Diagnostics.Select(d => (d.Id, run.SpanText(d))).ToArray());
        Assert.Null(run.Source);
    }

    private static void AssertSingleError(string declaration, string id, string span, string message) =>
        AssertSingleError(GeneratorHarness.Run("using StaticNet;\n\n" + declaration), id, span, message);

    private static void AssertSingleError(GeneratorRun run, string id, string span, string message)
    {
        // The declaration must be valid C#, so that the error is the generator's alone.
        Assert.True(run.InputDiagnostics.IsEmpty, "The compiler rejects the declaration itself:\n" + GeneratorRun.Describe(run.InputDiagnostics));
        Assert.Null(run.Result.Exception);

        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(span, run.SpanText(diagnostic));
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));

        // The line and column an IDE shows must agree with the span.
        FileLinePositionSpan lines = diagnostic.Location.GetLineSpan();
        SyntaxTree tree = run.Input.SyntaxTrees.Single(t => t.FilePath == lines.Path);
        Assert.Equal(tree.GetLineSpan(diagnostic.Location.SourceSpan).Span, lines.Span);

        Assert.Null(run.Source);
    }
}
