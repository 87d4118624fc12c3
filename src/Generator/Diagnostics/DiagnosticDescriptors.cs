using Microsoft.CodeAnalysis;

namespace StaticNet.Generator.Diagnostics;

/// <summary>
/// Every diagnostic StaticNet reports, in one list. Each is an error located on the attribute that
/// causes it; docs/diagnostics.md explains each id with an example and the fix.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "StaticNet";
    private const string HelpLinkBase = "https://github.com/staticnet/staticnet/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor NetworkMustBePartial = Error(
        "SN0001",
        "Network class must be partial",
        "Network class '{0}' must be declared 'partial' so that StaticNet can generate its Forward and Backward code");

    public static readonly DiagnosticDescriptor UnsupportedNetworkClass = Error(
        "SN0002",
        "Network class shape is not supported",
        "Network class '{0}' must be a non-generic, non-static class declared directly in a namespace, but it is {1}");

    public static readonly DiagnosticDescriptor MissingInput = Error(
        "SN0003",
        "Network has no [Input]",
        "Network '{0}' has no [Input] attribute; declare the shape of one sample, e.g. [Input(1, 28, 28)] for an image or [Input(784)] for a vector");

    public static readonly DiagnosticDescriptor InvalidInputShape = Error(
        "SN0004",
        "Input shape is not valid",
        "[Input] sizes must be at least 1, but network '{0}' declares {1}");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        "SN0005",
        "Network has no layers",
        "Network '{0}' declares no layers; add at least one, e.g. [Dense(10)]");

    public static readonly DiagnosticDescriptor InvalidLayerArgument = Error(
        "SN0006",
        "Layer argument out of range",
        "{0} '{1}': {2} must be {3}, but is {4}");

    public static readonly DiagnosticDescriptor WindowLargerThanInput = Error(
        "SN0007",
        "Window larger than the padded input",
        "{0} '{1}' has a {2} window, larger than its padded input: '{3}' produces {4}, which is {5}x{6} with padding {7}");

    public static readonly DiagnosticDescriptor SpatialLayerOnFlatInput = Error(
        "SN0008",
        "Spatial layer on a flat input",
        "{0} '{1}' needs a [channels, height, width] input, but '{2}' produces a flat vector of {3}");

    public static readonly DiagnosticDescriptor FlatLayerOnSpatialInput = Error(
        "SN0009",
        "Flat-input layer on a spatial input",
        "{0} '{1}' expects a flat input, but '{2}' produces {3} = {4}; add [Flatten] before it");

    public static readonly DiagnosticDescriptor SoftmaxNotLast = Error(
        "SN0010",
        "Softmax or LogSoftmax must be the last layer",
        "{0} '{1}' must be the last layer, but {2} '{3}' follows it");

    public static readonly DiagnosticDescriptor DuplicateLayerName = Error(
        "SN0011",
        "Duplicate layer name",
        "Layer name '{0}' is already used by {1} layer #{2}; layer names must be unique");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(
        "SN0012",
        "Layer name is not valid",
        "Layer name '{0}' is not valid: a name starts with a letter and continues with letters, digits or '_'");

    public static readonly DiagnosticDescriptor NetworkTooLarge = Error(
        "SN0013",
        "Network too large",
        "{0} '{1}' makes the network too large: {2} would hold {3} values, more than the {4} a buffer can index");

    public static readonly DiagnosticDescriptor PoolPaddingTooLarge = Error(
        "SN0014",
        "Pooling padding larger than half the window",
        "{0} '{1}': {2} must be at most half the {3} ({4}), but is {5}");

    public static readonly DiagnosticDescriptor RuntimeNotReferenced = Error(
        "SN0015",
        "StaticNet.Runtime is not referenced",
        "Network '{0}' needs the StaticNet.Runtime assembly, which this project does not reference; add the StaticNet package or a reference to StaticNet.Runtime");

    public static readonly DiagnosticDescriptor LayersOnSeveralDeclarations = Error(
        "SN0016",
        "Layers split across partial declarations",
        "Network '{0}' declares layers on more than one partial declaration; keep [Network], [Input] and every layer on one declaration so that their order is defined");

    public static readonly DiagnosticDescriptor UnknownLayerReference = Error(
        "SN0017",
        "Reference to a layer that is not declared before",
        "{0} '{1}' refers to '{2}' in {3}, but no layer declared before it has that name; {4}");

    public static readonly DiagnosticDescriptor ResidualShapeMismatch = Error(
        "SN0018",
        "Residual connection between different shapes",
        "Add '{0}' adds the output of '{1}' ({2}) to that of '{3}' ({4}), but the shapes differ; {5}");

    public static readonly DiagnosticDescriptor ConcatShapeMismatch = Error(
        "SN0039",
        "Concat of outputs that cannot be joined",
        "Concat '{0}' joins along channels, but its input '{1}' gives {2} and '{3}' gives {4}; it joins {5} only");

    public static readonly DiagnosticDescriptor NetworkHasBaseClass = Error(
        "SN0040",
        "Network class has a base class",
        "Network class '{0}' derives from '{1}', but its generated half derives from StaticNet.CompiledNetwork, the engine every network runs on, and a class has one base class; remove the base class, and share code through a field or an interface");

    public static readonly DiagnosticDescriptor SquareAndPerAxisSetting = Error(
        "SN0041",
        "Window setting given both square and per axis",
        "{0} '{1}' sets {2} = {3} and {4} = {5}; give either the square {2} or {6} and {7}");

    public static readonly DiagnosticDescriptor SequenceOutputShape = Error(
        "SN0042",
        "Sequence output of the wrong shape",
        "Network '{0}' declares a sequence output, [classes, 1, steps], each column a step of class scores, but its last layer '{1}' produces {2}; {3}");

    public static readonly DiagnosticDescriptor UnusedLayerOutput = Error(
        "SN0019",
        "Layer output is never used",
        "The output of {0} '{1}' is never used: the next layer takes its input From '{2}' and no layer refers to '{1}'; remove the layer, or use it with From or Add");

    public static readonly DiagnosticDescriptor InitializerNeedsFans = Error(
        "SN0020",
        "Initializer needs a tensor with fans",
        "{0} '{1}': Init.{2} scales by fan-in or fan-out, which the 1-dimensional {3} does not have; use Init.Zeros, Init.Ones, Init.Constant or Init.Default");

    public static readonly DiagnosticDescriptor SettingHasNoEffect = Error(
        "SN0021",
        "Layer setting has no effect",
        "{0} '{1}': {2} has no effect, because {3}; remove it");

    public static readonly DiagnosticDescriptor ClassNameTaken = Error(
        "SN0022",
        "Network class has the name of a generated member",
        "Network class '{0}' cannot have that name: StaticNet generates a member '{0}' in it, and a member cannot have the name of its class; rename the class");

    public static readonly DiagnosticDescriptor LayerNameTaken = Error(
        "SN0023",
        "Layer name gives a clashing generated name",
        "Layer name '{0}' cannot be used: its constants class {1}.{2} would {3}; rename the layer");

    public static readonly DiagnosticDescriptor MemberNameTaken = Error(
        "SN0024",
        "Member has the name of a generated member",
        "{0} of network class '{1}' {2} that StaticNet generates in the class; rename it");

    public static readonly DiagnosticDescriptor MissingNetworkAttribute = Error(
        "SN0025",
        "Layer attributes without [Network]",
        "Class '{0}' has [{1}] but no [Network], so StaticNet does not compile it; add [Network] to declare a network, or remove the StaticNet attributes");
    public static readonly DiagnosticDescriptor WeightsFileNotFound = Error(
        "SN0030",
        "Weights file is not among the AdditionalFiles",
        "Network '{0}': Weights names '{1}', but no AdditionalFiles item is that file ({2}); add <AdditionalFiles Include=\"{1}\" /> to the project, and name the file by its file name or its path relative to the project");

    public static readonly DiagnosticDescriptor WeightsFileNotEncoded = Error(
        "SN0031",
        "Weights file did not pass through StaticNet's build step",
        "Network '{0}': '{1}' reached the generator as the compiler reads additional files, as text, which cannot carry a binary file's bytes; import StaticNet.EmbeddedWeights.targets in the project (<Import Project=\"...StaticNet.EmbeddedWeights.targets\" />), which hands .safetensors files to the generator as base64");

    public static readonly DiagnosticDescriptor WeightsFileAmbiguous = Error(
        "SN0032",
        "Weights file name matches several AdditionalFiles",
        "Network '{0}': Weights names '{1}', which matches {2} AdditionalFiles items ({3}); name it by its path relative to the project");

    public static readonly DiagnosticDescriptor WeightsFileCorrupt = Error(
        "SN0033",
        "Weights file is not a valid safetensors file",
        "Network '{0}': '{1}' is not a valid safetensors file: {2}");

    public static readonly DiagnosticDescriptor WeightsChecksumMismatch = Error(
        "SN0034",
        "Weights file fails its checksum",
        "Network '{0}': '{1}' is damaged: {2}; nothing was embedded, save or copy the file again");

    public static readonly DiagnosticDescriptor WeightsMissingTensors = Error(
        "SN0035",
        "Weights file lacks tensors of the network",
        "Network '{0}': '{1}' lacks {2} of the network's tensors: {3}");

    public static readonly DiagnosticDescriptor WeightsExtraTensors = Error(
        "SN0036",
        "Weights file has tensors the network does not",
        "Network '{0}': '{1}' holds {2} tensors the network does not have: {3}");

    public static readonly DiagnosticDescriptor WeightsShapeMismatch = Error(
        "SN0037",
        "Weights tensor has the wrong shape",
        "Network '{0}': tensor '{2}' in '{1}' has shape {4}, but the network expects {3}");

    public static readonly DiagnosticDescriptor WeightsDtypeMismatch = Error(
        "SN0038",
        "Weights tensor is not float32",
        "Network '{0}': tensor '{2}' in '{1}' has dtype {3}, but the network embeds F32 (float32) tensors; save it as float32 (tensor.float())");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "SN0099",
        "StaticNet could not compile the network",
        "StaticNet could not compile network '{0}': {1}. This is a bug in StaticNet; please report it together with the declaration.");

    private static DiagnosticDescriptor Error(string id, string title, string message) => new(
        id,
        title,
        message,
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkBase + id.ToLowerInvariant());
}
