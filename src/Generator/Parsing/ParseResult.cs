using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// What the parse step reads from one <c>[Network]</c> class, as plain values: the declared network
/// (when its attributes are valid), where each layer attribute is written, the facts about the class
/// that generated names must not clash with, and every diagnostic found. Nothing after this step
/// touches a symbol or a syntax node.
/// </summary>
internal sealed record ParseResult(
    NetworkSpec? Spec,
    EquatableArray<AttributeSite> Sites,
    DeclarationFacts? Declaration,
    EquatableArray<DiagnosticInfo> Diagnostics,
    string ClassName,
    LocationInfo? NetworkAttributeLocation)
{
    /// <summary>The weights file <c>[Network(Weights = ...)]</c> names, if any: the network starts with its tensors.</summary>
    public WeightsReference? Weights { get; init; }

    /// <summary>Where <c>Output = ...</c> is written in <c>[Network]</c>, for the diagnostic on a sequence output of the wrong shape.</summary>
    public LocationInfo? OutputArgument { get; init; }
}

/// <summary>What the plan step yields: the network's model (shapes, layout, workspace), or the diagnostics that stopped it.</summary>
internal sealed record PlanResult(ParseResult Parse, NetworkModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// What the emit step yields for one <c>[Network]</c> class: the network and its source when the
/// declaration is valid, and every diagnostic found. The network holds no locations, so an edit that
/// only moves the declaration leaves it equal and the emitted source cached.
/// </summary>
internal sealed record NetworkResult(
    EmittedNetwork? Network,
    EquatableArray<DiagnosticInfo> Diagnostics,
    string ClassName,
    LocationInfo? NetworkAttributeLocation)
{
    /// <summary>The weights file <c>[Network(Weights = ...)]</c> names, if any: the network starts with its tensors.</summary>
    public WeightsReference? Weights { get; init; }
}

/// <summary>
/// A valid network and the source emitted for it. The emit step reads the generated member names from
/// that source to check the declaration's names against them, so the output step adds that same text.
/// </summary>
internal sealed record EmittedNetwork(NetworkModel Model, string Source);
