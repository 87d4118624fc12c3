using System;
using System.Text;

namespace StaticNet.Generator.Emit;

/// <summary>An indentation-aware text writer for generated C#: four spaces per level, '\n' line ends on every machine.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    /// <summary>Writes one line at the current indentation; an empty line carries no trailing spaces.</summary>
    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }

        _text.Append('\n');
    }

    /// <summary>Writes each line of a multi-line block at the current indentation.</summary>
    public void Lines(string lines)
    {
        foreach (string line in lines.Split('\n'))
        {
            Line(line.TrimEnd('\r'));
        }
    }

    /// <summary>Writes <paramref name="header"/> and an opening brace; the returned scope writes the closing one.</summary>
    public Scope Block(string header, string closing = "}")
    {
        Line(header);
        Line("{");
        _indent++;
        return new Scope(this, closing);
    }

    /// <summary>Indents what follows, without braces (a switch section), until the returned scope ends.</summary>
    public Scope Indent() => new(this, closing: null, indent: true);

    /// <summary>A new, empty writer at this writer's indentation, for code written before what precedes it is known.</summary>
    public SourceWriter Nested() => new() { _indent = _indent };

    /// <summary>Appends everything another writer wrote, as it is.</summary>
    public void Append(SourceWriter other) => _text.Append(other._text);

    public override string ToString() => _text.ToString();

    public readonly struct Scope : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string? _closing;

        public Scope(SourceWriter writer, string? closing, bool indent = false)
        {
            _writer = writer;
            _closing = closing;
            if (indent)
            {
                writer._indent++;
            }
        }

        public void Dispose()
        {
            _writer._indent--;
            if (_closing is not null)
            {
                _writer.Line(_closing);
            }
        }
    }
}
