using System.Globalization;

namespace StaticNet.Generator.Emit;

/// <summary>Formats numbers as C# literals, always in the invariant culture: generated code never depends on the machine's locale.</summary>
internal static class Literals
{
    /// <summary>A float literal that round-trips exactly: <c>0.2f</c>, <c>1E-05f</c>.</summary>
    public static string Float(double value)
    {
        string text = ((float)value).ToString("R", CultureInfo.InvariantCulture);
        if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0)
        {
            text += ".0";
        }

        return text + "f";
    }

    /// <summary>A double literal that round-trips exactly: <c>0.1</c>, <c>1E-05</c>.</summary>
    public static string Double(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOf('.') < 0 && text.IndexOf('E') < 0 ? text + ".0" : text;
    }

    /// <summary>A name as a C# identifier: a reserved keyword used as a name (<c>class</c>) needs its <c>@</c>.</summary>
    public static string Identifier(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? name : "@" + name;

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An integer with thousands separators for summaries: <c>61,706</c>.</summary>
    public static string Grouped(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A C# string literal with every character that needs it escaped.</summary>
    public static string String(string value)
    {
        var builder = new System.Text.StringBuilder("\"");
        foreach (char c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
