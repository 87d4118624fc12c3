using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace StaticNet.Parity;

/// <summary>
/// The largest errors of every case run in this process, as a markdown table in the test output
/// directory (<c>parity-report.md</c>), rewritten after each case so it is complete whenever the run ends.
/// </summary>
public static class ParityReport
{
    /// <summary>The report's file name in the test output directory.</summary>
    public const string FileName = "parity-report.md";

    private static readonly object Gate = new();
    private static readonly SortedDictionary<(string Suite, string Case), Comparison> Rows = new();

    /// <summary>The report's path.</summary>
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, FileName);

    private static string Result(Comparison comparison) => (comparison.Passed, comparison.ExpectMismatch) switch
    {
        (true, false) => "pass",
        (false, true) => "mismatch, as expected",
        (true, true) => "**FAIL** (expected a mismatch)",
        (false, false) => "**FAIL**",
    };

    /// <summary>Adds (or replaces) a case's row and rewrites the report.</summary>
    public static void Record(string suite, Comparison comparison)
    {
        lock (Gate)
        {
            Rows[(suite, comparison.Case)] = comparison;
            var text = new StringBuilder();
            text.AppendLine("# StaticNet parity with PyTorch");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Tolerance: |StaticNet - PyTorch| <= {Tolerance.Strict} for every value, except free-running training trajectories ({Tolerance.FreeRunning}; see Tolerance.cs). " +
                $"Relative errors are over values with |PyTorch| >= {Comparison.RelativeFloor:G}. \"Worst\" is the largest difference as a share of what the tolerance allows there.");
            text.AppendLine();
            text.AppendLine("| Suite | Case | Tolerance | Values | Max abs error | Max rel error | Worst | At | Result |");
            text.AppendLine("|---|---|---|---:|---:|---:|---:|---|---|");
            foreach (KeyValuePair<(string Suite, string Case), Comparison> row in Rows)
            {
                Comparison c = row.Value;
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {row.Key.Suite} | {c.Case} | {(c.Tolerance == Tolerance.Strict ? "strict" : c.Tolerance.ToString().Replace("|", "\\|", StringComparison.Ordinal))} | {c.Compared} | {c.MaxAbsolute:0.00E+00} | {c.MaxRelative:0.00E+00} | {c.WorstRatio:P1} | {c.WorstPlace} | {Result(c)}{string.Concat(c.Notes.Select(note => "; " + note))} |");
            }

            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{Rows.Count} rows, {Rows.Values.Count(c => c.Passed == c.ExpectMismatch)} failed.");
            File.WriteAllText(Path, text.ToString());
        }
    }
}
