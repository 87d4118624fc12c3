using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Diagnostics;

/// <summary>
/// Where a diagnostic points, kept as plain values: a <see cref="Location"/> holds on to a syntax
/// tree, which would keep whole compilations alive in the incremental cache.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public static LocationInfo From(Location location) =>
        new(location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan, location.GetLineSpan().Span);
}

/// <summary>A diagnostic as an equatable value: the descriptor, where it points, and the message arguments.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] messageArguments)
    {
        var arguments = new string[messageArguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = System.Convert.ToString(messageArguments[i], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return new DiagnosticInfo(descriptor, location, arguments.ToEquatableArray());
    }

    /// <summary>
    /// An unexpected failure of a pipeline step, as a diagnostic on the declaration: the generator must
    /// never throw, and a step that did would take every other network's output with it.
    /// </summary>
    public static DiagnosticInfo InternalError(LocationInfo? location, string className, System.Exception exception) =>
        Create(DiagnosticDescriptors.InternalError, location, className, exception.GetType().Name + ": " + exception.Message);

    public Diagnostic ToDiagnostic()
    {
        var arguments = new object[MessageArguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = MessageArguments[i];
        }

        return Diagnostic.Create(Descriptor, Location?.ToLocation(), arguments);
    }
}
