using System;
using System.Globalization;
using System.Text;

namespace StaticNet;

/// <summary>
/// The one place SVG is written: a document of a fixed size with lines, polylines, rectangles, circles
/// and text, every number formatted in the invariant culture. Charts and the confusion matrix draw
/// through it; no plotting library is needed.
/// </summary>
internal sealed class SvgWriter
{
    private readonly StringBuilder _svg = new();

    public SvgWriter(double width, double height)
    {
        _svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(N(width)).Append("\" height=\"").Append(N(height))
            .Append("\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height)).Append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        Rectangle(0, 0, width, height, "#ffffff");
    }

    public void Rectangle(double x, double y, double width, double height, string fill, string? stroke = null)
    {
        _svg.Append("<rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(width)).Append("\" height=\"").Append(N(height))
            .Append("\" fill=\"").Append(fill).Append('"');
        if (stroke is not null)
        {
            _svg.Append(" stroke=\"").Append(stroke).Append('"');
        }

        _svg.Append("/>\n");
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, bool dashed = false)
    {
        _svg.Append("<line x1=\"").Append(N(x1)).Append("\" y1=\"").Append(N(y1)).Append("\" x2=\"").Append(N(x2)).Append("\" y2=\"").Append(N(y2))
            .Append("\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(N(width)).Append('"');
        if (dashed)
        {
            _svg.Append(" stroke-dasharray=\"4 3\"");
        }

        _svg.Append("/>\n");
    }

    public void Polyline(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, string stroke, double width = 2, bool dashed = false)
    {
        _svg.Append("<polyline fill=\"none\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(N(width)).Append('"');
        if (dashed)
        {
            _svg.Append(" stroke-dasharray=\"6 4\"");
        }

        _svg.Append(" points=\"");
        for (int i = 0; i < xs.Length; i++)
        {
            _svg.Append(i == 0 ? "" : " ").Append(N(xs[i])).Append(',').Append(N(ys[i]));
        }

        _svg.Append("\"/>\n");
    }

    public void Circle(double x, double y, double radius, string fill)
    {
        _svg.Append("<circle cx=\"").Append(N(x)).Append("\" cy=\"").Append(N(y)).Append("\" r=\"").Append(N(radius)).Append("\" fill=\"").Append(fill).Append("\"/>\n");
    }

    /// <summary>Text at (x, y); <paramref name="anchor"/> is start, middle or end; <paramref name="rotate"/> turns it about its anchor, in degrees.</summary>
    public void Text(double x, double y, string text, string anchor = "start", double size = 12, string fill = "#222222", bool bold = false, double rotate = 0)
    {
        _svg.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" text-anchor=\"").Append(anchor)
            .Append("\" font-size=\"").Append(N(size)).Append("\" fill=\"").Append(fill).Append('"');
        if (bold)
        {
            _svg.Append(" font-weight=\"bold\"");
        }

        if (rotate != 0)
        {
            _svg.Append(" transform=\"rotate(").Append(N(rotate)).Append(' ').Append(N(x)).Append(' ').Append(N(y)).Append(")\"");
        }

        _svg.Append('>');
        foreach (char c in text)
        {
            _svg.Append(c switch { '<' => "&lt;", '>' => "&gt;", '&' => "&amp;", '"' => "&quot;", _ => c.ToString() });
        }

        _svg.Append("</text>\n");
    }

    /// <summary>The finished document.</summary>
    public override string ToString() => _svg.ToString() + "</svg>\n";

    /// <summary>Writes the document to <paramref name="path"/>, atomically.</summary>
    public void Save(string path)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(ToString());
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Round values for axes: about <paramref name="count"/> ticks from <paramref name="min"/> to <paramref name="max"/> at 1, 2 or 5 times a power of ten.</summary>
    public static (double First, double Step, int Count) Ticks(double min, double max, int count)
    {
        double span = max - min;
        if (!(span > 0))
        {
            return (min, 1, 1);
        }

        double rough = span / Math.Max(count - 1, 1);
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double step = rough / power < 1.5 ? power : rough / power < 3 ? 2 * power : rough / power < 7 ? 5 * power : 10 * power;
        double first = Math.Ceiling((min - (1e-9 * span)) / step) * step;
        int ticks = (int)Math.Floor(((max + (1e-9 * span)) - first) / step) + 1;
        return (first, step, ticks);
    }

    /// <summary>A number as an axis label: no more digits than the tick step needs.</summary>
    public static string Label(double value, double step)
    {
        int decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(step) - 1e-9), 0, 6);
        return Math.Round(value, decimals).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
