using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Finds classes that carry <c>[Input]</c> or layer attributes but no <c>[Network]</c>: they were
/// meant to be networks, and without a word StaticNet would silently generate nothing for them.
/// </summary>
internal static class MissingNetwork
{
    /// <summary>
    /// The diagnostic for the class the attribute of <paramref name="context"/> is on, or
    /// <see langword="null"/> when the class has <c>[Network]</c>. The generator looks for each
    /// StaticNet attribute on its own; only the look-up of the class's first one reports, so a class
    /// gets one diagnostic, on that attribute.
    /// </summary>
    public static DiagnosticInfo? Find(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        AttributeData[] attributes = type.GetAttributes().ToArray();
        if (attributes.Any(a => a.AttributeClass?.ToDisplayString() == NetworkParser.NetworkAttributeName))
        {
            return null;
        }

        (AttributeData Data, AttributeSyntax Syntax)? first = attributes
            .Where(a => a.AttributeClass is not null && IsStaticNetAttribute(a.AttributeClass.ToDisplayString()))
            .Select(a => (Data: a, Syntax: a.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax))
            .Where(pair => pair.Syntax is not null)
            .OrderBy(pair => pair.Syntax!.SyntaxTree.FilePath, StringComparer.Ordinal)
            .ThenBy(pair => pair.Syntax!.SpanStart)
            .Select(pair => ((AttributeData, AttributeSyntax)?)(pair.Data, pair.Syntax!))
            .FirstOrDefault();
        if (first is not { } found || !SymbolEqualityComparer.Default.Equals(found.Data.AttributeClass, context.Attributes[0].AttributeClass))
        {
            return null;
        }

        string name = found.Data.AttributeClass!.Name;
        name = name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
        return DiagnosticInfo.Create(DiagnosticDescriptors.MissingNetworkAttribute, LocationInfo.From(found.Syntax), type.Name, name);
    }

    private static bool IsStaticNetAttribute(string metadataName) =>
        metadataName == NetworkParser.InputAttributeName || LayerReader.IsLayerAttribute(metadataName);
}
