using System;
using System.Collections.Generic;
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
/// <remarks>
/// One syntax provider does this for every StaticNet attribute: its predicate keeps only class declarations
/// that name a StaticNet attribute and not <c>[Network]</c>, so a network, whatever its size, costs nothing
/// here on an edit; the semantic check runs for the few declarations left. An attribute written through a
/// using alias of another name is not recognised by its spelling, and such a class gets no diagnostic.
/// </remarks>
internal static class MissingNetwork
{
    /// <summary>The simple names a StaticNet input or layer attribute can be written with: <c>Dense</c> and <c>DenseAttribute</c>.</summary>
    private static readonly HashSet<string> AttributeNames = new(
        LayerReader.MetadataNames.Append(NetworkParser.InputAttributeName)
            .Select(name => name.Substring(name.LastIndexOf('.') + 1))
            .SelectMany(name => new[] { name, name.Substring(0, name.Length - "Attribute".Length) }),
        StringComparer.Ordinal);

    /// <summary>Whether <paramref name="node"/> is a class declaration that names a StaticNet attribute and not <c>[Network]</c>.</summary>
    public static bool MayLackNetwork(SyntaxNode node)
    {
        if (node is not (ClassDeclarationSyntax or RecordDeclarationSyntax) || ((TypeDeclarationSyntax)node).AttributeLists.Count == 0)
        {
            return false;
        }

        bool layer = false;
        foreach (AttributeListSyntax list in ((TypeDeclarationSyntax)node).AttributeLists)
        {
            foreach (AttributeSyntax attribute in list.Attributes)
            {
                string name = SimpleName(attribute.Name);
                if (name is "Network" or "NetworkAttribute")
                {
                    return false;
                }

                layer |= AttributeNames.Contains(name);
            }
        }

        return layer;
    }

    /// <summary>
    /// The diagnostic for the class declared by <paramref name="context"/>'s node, or <see langword="null"/> when
    /// the class has <c>[Network]</c> (on another part) or this part does not hold its first StaticNet attribute,
    /// so that a class gets one diagnostic, on that attribute.
    /// </summary>
    public static DiagnosticInfo? Find(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.SemanticModel.GetDeclaredSymbol(context.Node, cancellationToken) is not INamedTypeSymbol type)
        {
            return null;
        }

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
        if (first is not { } found || !context.Node.Span.Contains(found.Syntax.Span) || found.Syntax.SyntaxTree != context.Node.SyntaxTree)
        {
            return null;
        }

        string name = found.Data.AttributeClass!.Name;
        name = name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
        return DiagnosticInfo.Create(DiagnosticDescriptors.MissingNetworkAttribute, LocationInfo.From(found.Syntax), type.Name, name);
    }

    private static string SimpleName(NameSyntax name) => name switch
    {
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => string.Empty,
    };

    private static bool IsStaticNetAttribute(string metadataName) =>
        metadataName == NetworkParser.InputAttributeName || LayerReader.IsLayerAttribute(metadataName);
}
