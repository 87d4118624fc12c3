using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// What the parse step yields for one <c>[Network]</c> class: the resolved network when the
/// declaration is valid, and every diagnostic found. The network holds no locations, so an edit that
/// only moves the declaration leaves it equal and the emitted source cached.
/// </summary>
internal sealed record ParseResult(
    EmittedNetwork? Network,
    EquatableArray<DiagnosticInfo> Diagnostics,
    string ClassName,
    LocationInfo? NetworkAttributeLocation)
{
    /// <summary>The weights file <c>[Network(Weights = ...)]</c> names, if any: the network starts with its tensors.</summary>
    public WeightsReference? Weights { get; init; }
}

/// <summary>
/// A valid network and the source emitted for it. The parse step emits the source to check the
/// declaration's names against what it really declares, so the output step adds that same text.
/// </summary>
internal sealed record EmittedNetwork(NetworkModel Model, string Source);
