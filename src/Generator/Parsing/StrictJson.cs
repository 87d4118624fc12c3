using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StaticNet.Generator.Parsing;

/// <summary>A JSON value as <see cref="StrictJson"/> reads it: an object (members in order), an array, a string, a number (its text), true, false or null.</summary>
internal sealed class JsonNode
{
    private JsonNode(JsonKind kind, string? text, List<KeyValuePair<string, JsonNode>>? members, List<JsonNode>? items)
    {
        Kind = kind;
        Text = text;
        Members = members;
        Items = items;
    }

    public JsonKind Kind { get; }

    /// <summary>A string's value or a number's text.</summary>
    public string? Text { get; }

    public List<KeyValuePair<string, JsonNode>>? Members { get; }

    public List<JsonNode>? Items { get; }

    public static JsonNode Object(List<KeyValuePair<string, JsonNode>> members) => new(JsonKind.Object, null, members, null);

    public static JsonNode Array(List<JsonNode> items) => new(JsonKind.Array, null, null, items);

    public static JsonNode String(string value) => new(JsonKind.String, value, null, null);

    public static JsonNode Number(string text) => new(JsonKind.Number, text, null, null);

    public static JsonNode Literal(JsonKind kind) => new(kind, null, null, null);

    /// <summary>The value as a non-negative integer no larger than <paramref name="max"/>, if it is one (no fraction, no exponent).</summary>
    public bool TryGetSize(long max, out long value)
    {
        value = 0;
        return Kind == JsonKind.Number
            && Text!.IndexOfAny(new[] { '.', 'e', 'E', '-' }) < 0
            && long.TryParse(Text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value <= max;
    }

    public string Describe() => Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => "the string \"" + Text + "\"",
        JsonKind.Number => "the number " + Text,
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// A small, strict JSON reader (RFC 8259) for safetensors headers, where System.Text.Json is not
/// available: no comments, no trailing commas, no duplicate keys, no unescaped control characters,
/// no lone surrogates; only whitespace may follow the value. A problem throws
/// <see cref="FormatException"/> saying what was expected and where.
/// </summary>
internal sealed class StrictJson
{
    private const int MaxDepth = 64;

    private readonly string _text;
    private int _position;

    private StrictJson(string text) => _text = text;

    public static JsonNode Parse(string text)
    {
        var reader = new StrictJson(text);
        reader.SkipWhitespace();
        JsonNode value = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._position != text.Length)
        {
            throw reader.Error("the end of the header after its JSON object");
        }

        return value;
    }

    private JsonNode ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"at most {MaxDepth} levels of nesting");
        }

        if (_position >= _text.Length)
        {
            throw Error("a value");
        }

        char c = _text[_position];
        switch (c)
        {
            case '{':
                return ReadObject(depth);
            case '[':
                return ReadArray(depth);
            case '"':
                return JsonNode.String(ReadString());
            case 't':
                ReadWord("true");
                return JsonNode.Literal(JsonKind.True);
            case 'f':
                ReadWord("false");
                return JsonNode.Literal(JsonKind.False);
            case 'n':
                ReadWord("null");
                return JsonNode.Literal(JsonKind.Null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return JsonNode.Number(ReadNumber());
                }

                throw Error("a value");
        }
    }

    private JsonNode ReadObject(int depth)
    {
        _position++;
        var members = new List<KeyValuePair<string, JsonNode>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        SkipWhitespace();
        if (TryConsume('}'))
        {
            return JsonNode.Object(members);
        }

        while (true)
        {
            SkipWhitespace();
            if (_position >= _text.Length || _text[_position] != '"')
            {
                throw Error("a key in double quotes");
            }

            int keyPosition = _position;
            string key = ReadString();
            if (!keys.Add(key))
            {
                _position = keyPosition;
                throw Error("keys to be unique, but \"" + key + "\" appears twice", expectedPrefix: false);
            }

            SkipWhitespace();
            Expect(':');
            SkipWhitespace();
            members.Add(new KeyValuePair<string, JsonNode>(key, ReadValue(depth + 1)));
            SkipWhitespace();
            if (TryConsume('}'))
            {
                return JsonNode.Object(members);
            }

            Expect(',');
        }
    }

    private JsonNode ReadArray(int depth)
    {
        _position++;
        var items = new List<JsonNode>();
        SkipWhitespace();
        if (TryConsume(']'))
        {
            return JsonNode.Array(items);
        }

        while (true)
        {
            SkipWhitespace();
            items.Add(ReadValue(depth + 1));
            SkipWhitespace();
            if (TryConsume(']'))
            {
                return JsonNode.Array(items);
            }

            Expect(',');
        }
    }

    private string ReadString()
    {
        _position++;
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("a closing double quote");
            }

            char c = _text[_position];
            if (c == '"')
            {
                _position++;
                return value.ToString();
            }

            if (c < 0x20)
            {
                throw Error("control characters in strings to be escaped");
            }

            if (char.IsSurrogate(c))
            {
                // The header was decoded from strict UTF-8, so surrogates here come in valid pairs.
                value.Append(c);
                _position++;
                continue;
            }

            if (c != '\\')
            {
                value.Append(c);
                _position++;
                continue;
            }

            _position++;
            char escape = _position < _text.Length ? _text[_position] : '\0';
            _position++;
            switch (escape)
            {
                case '"': value.Append('"'); break;
                case '\\': value.Append('\\'); break;
                case '/': value.Append('/'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'u':
                    char unit = ReadHex4();
                    if (char.IsHighSurrogate(unit))
                    {
                        if (!(TryConsume('\\') && TryConsume('u')))
                        {
                            throw Error("a \\u escape of a low surrogate after a high surrogate");
                        }

                        char low = ReadHex4();
                        if (!char.IsLowSurrogate(low))
                        {
                            throw Error("a low surrogate after a high surrogate");
                        }

                        value.Append(unit).Append(low);
                    }
                    else if (char.IsLowSurrogate(unit))
                    {
                        throw Error("a high surrogate before a low surrogate");
                    }
                    else
                    {
                        value.Append(unit);
                    }

                    break;
                default:
                    _position -= 2;
                    throw Error("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
            }
        }
    }

    private char ReadHex4()
    {
        if (_position + 4 > _text.Length
            || !ushort.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort unit))
        {
            throw Error("four hex digits after \\u");
        }

        _position += 4;
        return (char)unit;
    }

    private string ReadNumber()
    {
        int start = _position;
        TryConsume('-');
        if (TryConsume('0'))
        {
            // A leading zero stands alone.
        }
        else if (!ReadDigits())
        {
            throw Error("a digit");
        }

        if (TryConsume('.') && !ReadDigits())
        {
            throw Error("a digit after the decimal point");
        }

        if (TryConsume('e') || TryConsume('E'))
        {
            if (!TryConsume('+'))
            {
                TryConsume('-');
            }

            if (!ReadDigits())
            {
                throw Error("a digit in the exponent");
            }
        }

        if (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9')
        {
            throw Error("no digits after a leading zero");
        }

        return _text.Substring(start, _position - start);
    }

    private bool ReadDigits()
    {
        int start = _position;
        while (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9')
        {
            _position++;
        }

        return _position > start;
    }

    private void ReadWord(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            throw Error("a value");
        }

        _position += word.Length;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
        {
            _position++;
        }
    }

    private bool TryConsume(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw Error("'" + c + "'");
        }
    }

    private FormatException Error(string expected, bool expectedPrefix = true)
    {
        string found = _position >= _text.Length
            ? "the end of the header"
            : "'" + (_text[_position] < 0x20 ? "\\u" + ((int)_text[_position]).ToString("x4", CultureInfo.InvariantCulture) : _text[_position].ToString()) + "'";
        return new FormatException(expectedPrefix
            ? $"the header JSON expects {expected} at character {_position}, but finds {found}"
            : $"the header JSON expects {expected} (at character {_position})");
    }
}
