using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace StaticNet;

/// <summary>How <see cref="CsvDataset.Load"/> reads a CSV file.</summary>
public sealed class CsvOptions
{
    /// <summary>Whether the first line holds column names. Default <see langword="true"/>.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>The field separator. Default a comma.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>
    /// The column holding the class label, by header name; overrides <see cref="LabelColumnIndex"/>.
    /// Labels are whole numbers from 0, or text: text labels become classes 0, 1, ... in sorted order,
    /// and the dataset's <see cref="Dataset.ClassNames"/> keeps the text.
    /// </summary>
    public string? LabelColumn { get; init; }

    /// <summary>The column holding the class label, from 0; default 0 (the first column). Ignored for regression.</summary>
    public int LabelColumnIndex { get; init; }

    /// <summary>The number of classes; by default one more than the largest numeric label, or the number of distinct text labels.</summary>
    public int? ClassCount { get; init; }

    /// <summary>For regression: the columns (from 0) holding target values instead of a class label.</summary>
    public int[]? TargetColumns { get; init; }

    /// <summary>The shape of one sample (<c>[1, 28, 28]</c> for 784 pixel columns); by default <c>[feature columns]</c>.</summary>
    public int[]? SampleShape { get; init; }

    /// <summary>A factor every feature value is multiplied by (1/255 for 0..255 pixels). Default 1.</summary>
    public float Scale { get; init; } = 1f;
}

/// <summary>
/// Loads a dataset from a CSV file of numbers: one sample per line, a label column (or target columns)
/// and every other column a feature. Any problem throws <see cref="InvalidDataException"/> naming the
/// file, the line and, where it applies, the column.
/// </summary>
public static class CsvDataset
{
    /// <summary>Loads <paramref name="path"/> with <paramref name="options"/> (defaults: a header line, the label in the first column).</summary>
    public static Dataset Load(string path, CsvOptions? options = null)
    {
        options ??= new CsvOptions();
        FileChecks.RequireFile(path, "CSV file");

        using var reader = new StreamReader(path, Encoding.UTF8);
        string? line;
        int lineNumber = 0;
        string[]? header = null;
        if (options.HasHeader)
        {
            do
            {
                line = reader.ReadLine();
                lineNumber++;
            }
            while (line is not null && line.Trim().Length == 0);

            if (line is null)
            {
                throw new InvalidDataException($"{path}: the file is empty; expected a header line and data rows.");
            }

            header = Fields(line, options.Separator, path, lineNumber).ToArray();
        }

        if (options.ClassCount is < 1)
        {
            throw new ArgumentException($"{path}: ClassCount is {options.ClassCount}, expected at least 1.", nameof(options));
        }

        bool regression = options.TargetColumns is not null;
        int labelColumn = ResolveLabelColumn(options, header, path);
        int columnCount = header?.Length ?? -1;
        if (header is not null)
        {
            CheckColumns(options, labelColumn, columnCount, path, "the header names");
        }

        var features = new List<float>();
        var numericLabels = new List<int>();
        var textLabels = new List<string>();
        var labelLines = new List<int>();
        var targets = new List<float>();
        bool? textual = null;
        int rows = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            List<string> fields = Fields(line, options.Separator, path, lineNumber);
            if (columnCount < 0)
            {
                columnCount = fields.Count;
                CheckColumns(options, labelColumn, columnCount, path, $"line {lineNumber}, the first row, has");
            }

            if (fields.Count != columnCount)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: {fields.Count} values, but {(header is null ? "the first row has" : "the header names")} {columnCount} columns.");
            }

            for (int column = 0; column < fields.Count; column++)
            {
                if (regression ? Array.IndexOf(options.TargetColumns!, column) >= 0 : column == labelColumn)
                {
                    continue;
                }

                features.Add(Number(fields[column], path, lineNumber, column, header) * options.Scale);
            }

            if (regression)
            {
                foreach (int column in options.TargetColumns!)
                {
                    targets.Add(Number(fields[column], path, lineNumber, column, header));
                }
            }
            else
            {
                string label = fields[labelColumn].Trim();
                bool isNumber = int.TryParse(label, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value);
                textual ??= !isNumber;
                if (textual.Value)
                {
                    textLabels.Add(label);
                }
                else if (!isNumber || value < 0)
                {
                    throw new InvalidDataException($"{path}, line {lineNumber}, column {ColumnName(labelColumn, header)}: the label '{label}' is not a class index (a whole number from 0), though earlier labels were.");
                }
                else
                {
                    numericLabels.Add(value);
                }

                labelLines.Add(lineNumber);
            }

            rows++;
        }

        if (rows == 0)
        {
            throw new InvalidDataException($"{path}: no data rows; the dataset would be empty.");
        }

        int featureCount = features.Count / rows;
        int[] shape = options.SampleShape ?? new[] { featureCount };
        long shapeLength = 1;
        foreach (int size in shape)
        {
            shapeLength *= size;
        }

        if (shapeLength != featureCount)
        {
            throw new InvalidDataException($"{path}: each row has {featureCount} feature values, but the sample shape [{string.Join(", ", shape)}] needs {shapeLength}.");
        }

        string source = Path.GetFileName(path);
        if (regression)
        {
            return new Dataset(features.ToArray(), shape, targets.ToArray(), options.TargetColumns!.Length, source);
        }

        return textual == true
            ? TextLabels(features.ToArray(), shape, textLabels, labelLines, options, path, source)
            : NumericLabels(features.ToArray(), shape, numericLabels, labelLines, options, path, source);
    }

    private static Dataset NumericLabels(float[] features, int[] shape, List<int> labels, List<int> lines, CsvOptions options, string path, string source)
    {
        int largest = 0, largestAt = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] > largest)
            {
                (largest, largestAt) = (labels[i], i);
            }
        }

        if (options.ClassCount is null && largest == int.MaxValue)
        {
            throw new InvalidDataException($"{path}, line {lines[largestAt]}: label {largest} would need {(long)largest + 1} classes, more than a class count holds ({int.MaxValue}); expected class indexes from 0 to {int.MaxValue - 1}.");
        }

        int classCount = options.ClassCount ?? (largest + 1);
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new InvalidDataException($"{path}, line {lines[i]}: label {labels[i]} is outside the {classCount} classes 0 to {classCount - 1}.");
            }
        }

        return new Dataset(features, shape, labels.ToArray(), classCount, source);
    }

    private static Dataset TextLabels(float[] features, int[] shape, List<string> labels, List<int> lines, CsvOptions options, string path, string source)
    {
        var names = new SortedSet<string>(labels, StringComparer.Ordinal);
        var classNames = new List<string>(names);
        if (options.ClassCount is int expected && expected != classNames.Count)
        {
            throw new InvalidDataException($"{path}: {classNames.Count} distinct labels ({string.Join(", ", classNames)}), but ClassCount is {expected}.");
        }

        var indices = new int[labels.Count];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = classNames.BinarySearch(labels[i], StringComparer.Ordinal);
        }

        return new Dataset(features, shape, indices, classNames.Count, source) { ClassNames = classNames };
    }

    private static int ResolveLabelColumn(CsvOptions options, string[]? header, string path)
    {
        if (options.LabelColumn is null)
        {
            return options.LabelColumnIndex;
        }

        if (header is null)
        {
            throw new ArgumentException($"{path}: LabelColumn '{options.LabelColumn}' names a column, but HasHeader is false; use LabelColumnIndex.", nameof(options));
        }

        int index = Array.FindIndex(header, name => name.Trim() == options.LabelColumn);
        return index >= 0 ? index : throw new InvalidDataException($"{path}: no column named '{options.LabelColumn}' in the header ({string.Join(", ", header)}).");
    }

    // Columns are counted from 0 in the options and from 1 in messages about lines, as a spreadsheet shows them.
    private static void CheckColumns(CsvOptions options, int labelColumn, int columnCount, string path, string counted)
    {
        if (options.TargetColumns is int[] targetColumns)
        {
            if (targetColumns.Length == 0)
            {
                throw new ArgumentException($"{path}: TargetColumns is empty; expected one or more column indexes from 0 to {columnCount - 1}.", nameof(options));
            }

            var seen = new HashSet<int>();
            foreach (int column in targetColumns)
            {
                if (column < 0 || column >= columnCount)
                {
                    throw new ArgumentException($"{path}: TargetColumns holds column index {column}, but {counted} {columnCount} columns; expected indexes from 0 to {columnCount - 1}.", nameof(options));
                }

                if (!seen.Add(column))
                {
                    throw new ArgumentException($"{path}: TargetColumns holds column index {column} twice.", nameof(options));
                }
            }
        }
        else if (labelColumn < 0 || labelColumn >= columnCount)
        {
            throw new ArgumentException($"{path}: LabelColumnIndex is {labelColumn}, but {counted} {columnCount} columns; expected an index from 0 to {columnCount - 1}.", nameof(options));
        }
    }

    private static float Number(string field, string path, int line, int column, string[]? header)
    {
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            throw new InvalidDataException($"{path}, line {line}, column {ColumnName(column, header)}: '{field}' is not a number.");
        }

        if (!float.IsFinite(value))
        {
            throw new InvalidDataException($"{path}, line {line}, column {ColumnName(column, header)}: the value is {field}; features and targets must be finite.");
        }

        return value;
    }

    private static string ColumnName(int column, string[]? header) =>
        header is not null && column < header.Length ? $"{column + 1} ('{header[column].Trim()}')" : (column + 1).ToString(CultureInfo.InvariantCulture);

    // Splits one line into fields; a field in double quotes may hold separators, and "" inside it is a quote.
    private static List<string> Fields(string line, char separator, string path, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.ToString().Trim().Length == 0)
            {
                quoted = true;
                field.Clear();
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new InvalidDataException($"{path}, line {lineNumber}: a quoted field is not closed.");
        }

        fields.Add(field.ToString());
        return fields;
    }
}
