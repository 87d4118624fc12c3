using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace StaticNet.Import.Tests;

/// <summary>
/// Compares an imported network's outputs with a reference, value by value, within the tolerance of
/// the parity tests: |found - expected| at most 1e-5 + 1e-4 |expected|. Every comparison is recorded in
/// <c>import-report.md</c> in the output directory, with its largest difference.
/// </summary>
internal static class OutputComparison
{
    public const double Absolute = 1e-5, Relative = 1e-4;

    private static readonly ConcurrentDictionary<string, string> Rows = new(StringComparer.Ordinal);

    /// <summary>The largest absolute difference; fails naming the first value outside the tolerance.</summary>
    public static double AssertClose(string what, float[] expected, float[] found, int outputLength)
    {
        Assert.Equal(expected.Length, found.Length);
        double largest = 0, worstRatio = 0;
        int worst = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)found[i] - expected[i]);
            double ratio = difference / (Absolute + (Relative * Math.Abs(expected[i])));
            largest = Math.Max(largest, difference);
            if (!(ratio <= worstRatio))
            {
                worstRatio = ratio;
                worst = i;
            }
        }

        Rows[what] = string.Create(CultureInfo.InvariantCulture, $"| {what} | {expected.Length / outputLength} | {largest:0.00e+00} | {worstRatio:F3} |");
        WriteReport();
        if (worstRatio > 1 || double.IsNaN(worstRatio))
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: sample {worst / outputLength}, output {worst % outputLength}: expected {expected[worst]}, found {found[worst]} (difference {Math.Abs((double)found[worst] - expected[worst]):E3}, allowed {Absolute + (Relative * Math.Abs(expected[worst])):E3})."));
        }

        return largest;
    }

    private static void WriteReport()
    {
        var text = new StringBuilder();
        text.AppendLine("# Imported networks against their references");
        text.AppendLine();
        text.AppendLine("Tolerance: |found - expected| <= 1e-5 + 1e-4 |expected|. The last column is the largest difference over what the tolerance allows it.");
        text.AppendLine();
        text.AppendLine("| model | samples | largest difference | of the tolerance |");
        text.AppendLine("|---|---|---|---|");
        foreach (string row in Rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value))
        {
            text.AppendLine(row);
        }

        lock (Rows)
        {
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "import-report.md"), text.ToString());
        }
    }
}
