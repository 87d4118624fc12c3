using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// What the names of a network's generated half must not clash with, read from the user's class
/// while its symbols are at hand: the class's name, its own members in every partial declaration,
/// the members of the engine its generated half derives from (<c>StaticNet.CompiledNetwork</c>) and of
/// <see cref="object"/>, and a base class of the user's own, which the generated half's base excludes.
/// </summary>
internal sealed record DeclarationFacts(
    string ClassName,
    LocationInfo? Identifier,
    LocationInfo? BaseList,
    EquatableArray<string> ObjectMembers,
    EquatableArray<DeclaredMember> Members,
    EquatableArray<string> EngineMembers,
    string? OwnBaseClass)
{
    /// <summary>The engine every generated network derives from.</summary>
    public const string EngineMetadataName = "StaticNet.CompiledNetwork";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    public static DeclarationFacts Read(INamedTypeSymbol type, TypeDeclarationSyntax declaration, Compilation compilation)
    {
        EquatableArray<string> objectMembers = compilation.GetSpecialType(SpecialType.System_Object).GetMembers()
            .Where(m => m.CanBeReferencedByName)
            .Select(m => m.Name)
            .Distinct()
            .OrderBy(name => name, System.StringComparer.Ordinal)
            .ToEquatableArray();

        // The user's own members, in every partial declaration.
        var members = new System.Collections.Generic.List<DeclaredMember>();
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || member.Locations.FirstOrDefault(l => l.IsInSource) is not Location location)
            {
                continue;
            }

            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor)
            {
                members.Add(new DeclaredMember(null, constructor.Parameters.Select(p => p.Type.ToDisplayString(TypeFormat)).ToEquatableArray(), LocationInfo.From(location)));
            }
            else if (member.CanBeReferencedByName || member is INamedTypeSymbol)
            {
                members.Add(new DeclaredMember(member.Name, EquatableArray<string>.Empty, LocationInfo.From(location)));
            }
        }

        // The engine's members that the class inherits, which a member of the user's would hide.
        INamedTypeSymbol? engine = compilation.GetTypeByMetadataName(EngineMetadataName);
        EquatableArray<string> engineMembers = (engine?.GetMembers() ?? ImmutableArray<ISymbol>.Empty)
            .Where(m => m.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal && m.CanBeReferencedByName)
            .Select(m => m.Name)
            .Distinct()
            .OrderBy(name => name, System.StringComparer.Ordinal)
            .ToEquatableArray();

        // A base class of the user's own: the generated half derives from the engine, and a class has one base.
        INamedTypeSymbol? baseType = type.BaseType;
        string? ownBase = baseType is null || baseType.SpecialType == SpecialType.System_Object || SymbolEqualityComparer.Default.Equals(baseType, engine)
            ? null
            : baseType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

        return new DeclarationFacts(
            type.Name,
            LocationInfo.From(declaration.Identifier.GetLocation()),
            LocationInfo.From(declaration.BaseList?.Types.FirstOrDefault()),
            objectMembers,
            members.ToEquatableArray(),
            engineMembers,
            ownBase);
    }
}

/// <summary>A member the user's class declares: by name, or, for a constructor (no name), by its parameter types.</summary>
internal sealed record DeclaredMember(string? Name, EquatableArray<string> ConstructorParameters, LocationInfo? Location);

