using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Where an attribute and each of its arguments are written, so that a diagnostic points at the
/// argument at fault (<c>Padding = -1</c>, or the positional <c>0</c> of <c>Dense(0)</c>), as the C#
/// compiler's own errors do, and at the whole attribute only when no single argument is at fault.
/// Compared by content, so that the parse step's result stays equal when nothing in it moved.
/// </summary>
internal sealed class AttributeSite : System.IEquatable<AttributeSite>
{
    private readonly Dictionary<string, LocationInfo> _named = new(System.StringComparer.Ordinal);
    private readonly Dictionary<int, LocationInfo> _positional = new();

    // The text of each argument's value as written (the 3 of Kernel = 3), for messages that quote it.
    private readonly Dictionary<string, string> _namedText = new(System.StringComparer.Ordinal);
    private readonly Dictionary<int, string> _positionalText = new();

    private AttributeSite(LocationInfo? attribute) => Attribute = attribute;

    /// <summary>The whole attribute: <c>Conv2D(4, 3, Padding = -1)</c>.</summary>
    public LocationInfo? Attribute { get; }

    /// <summary>The names of the named arguments the declaration writes (<c>Padding</c>, <c>Name</c>).</summary>
    public IReadOnlyCollection<string> NamedArguments => _named.Keys;

    /// <summary>The named argument <paramref name="property"/> (<c>Padding = -1</c>), or the attribute when it is not written.</summary>
    public LocationInfo? Named(string property) => _named.TryGetValue(property, out LocationInfo? location) ? location : Attribute;

    /// <summary>The constructor argument at <paramref name="index"/>, or the attribute when it is not written.</summary>
    public LocationInfo? Positional(int index) => _positional.TryGetValue(index, out LocationInfo? location) ? location : Attribute;

    /// <summary>The constructor argument at <paramref name="index"/> when written, else the named argument <paramref name="property"/>, else the attribute.</summary>
    public LocationInfo? PositionalOrNamed(int index, string property) =>
        _positional.TryGetValue(index, out LocationInfo? location) ? location : Named(property);

    /// <summary>Whether the declaration writes the constructor argument at <paramref name="index"/> or the named argument <paramref name="property"/>.</summary>
    public bool Writes(int index, string property) => _positional.ContainsKey(index) || _named.ContainsKey(property);

    /// <summary>The value of the constructor argument at <paramref name="index"/> as written, else of the named argument <paramref name="property"/>; empty when neither is written.</summary>
    public string WrittenValue(int index, string property) =>
        _positionalText.TryGetValue(index, out string? text) ? text : _namedText.TryGetValue(property, out text) ? text : string.Empty;

    public static AttributeSite From(AttributeSyntax? syntax, AttributeData data)
    {
        var site = new AttributeSite(LocationInfo.From(syntax));
        if (syntax?.ArgumentList is null)
        {
            return site;
        }

        IMethodSymbol? constructor = data.AttributeConstructor;
        int position = 0;
        foreach (AttributeArgumentSyntax argument in syntax.ArgumentList.Arguments)
        {
            LocationInfo location = LocationInfo.From(argument)!;
            string value = argument.Expression.ToString();
            if (argument.NameEquals is not null)
            {
                site._named[argument.NameEquals.Name.Identifier.ValueText] = location;
                site._namedText[argument.NameEquals.Name.Identifier.ValueText] = value;
                continue;
            }

            // A constructor argument, by position or by parameter name (Conv2D(filters: 4, kernel: 3)).
            int index = position++;
            if (argument.NameColon is not null && constructor is not null)
            {
                string parameter = argument.NameColon.Name.Identifier.ValueText;
                foreach (IParameterSymbol candidate in constructor.Parameters)
                {
                    if (candidate.Name == parameter)
                    {
                        index = candidate.Ordinal;
                    }
                }
            }

            site._positional[index] = location;
            site._positionalText[index] = value;
        }

        return site;
    }

    public bool Equals(AttributeSite? other) =>
        other is not null && Equals(Attribute, other.Attribute) && SameEntries(_named, other._named) && SameEntries(_positional, other._positional)
        && SameEntries(_namedText, other._namedText) && SameEntries(_positionalText, other._positionalText);

    public override bool Equals(object? obj) => Equals(obj as AttributeSite);

    public override int GetHashCode() => ((Attribute?.GetHashCode() ?? 0) * 31) + (_named.Count * 7) + _positional.Count;

    private static bool SameEntries<TKey, TValue>(Dictionary<TKey, TValue> a, Dictionary<TKey, TValue> b)
        where TKey : notnull
        where TValue : notnull
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (KeyValuePair<TKey, TValue> entry in a)
        {
            if (!b.TryGetValue(entry.Key, out TValue? value) || !entry.Value.Equals(value))
            {
                return false;
            }
        }

        return true;
    }
}
