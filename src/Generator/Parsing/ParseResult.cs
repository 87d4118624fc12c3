using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// What the parse step yields for one <c>[Network]</c> class: the resolved model when the
/// declaration is valid, and every diagnostic found. The model holds no locations, so an edit that
/// only moves the declaration leaves it equal and the emitted source cached.
/// </summary>
internal sealed record ParseResult(
    NetworkModel? Model,
    EquatableArray<DiagnosticInfo> Diagnostics,
    string ClassName,
    LocationInfo? NetworkAttributeLocation)
{
    /// <summary>The weights file <c>[Network(Weights = ...)]</c> names, if any: the network starts with its tensors.</summary>
    public WeightsReference? Weights { get; init; }
}
