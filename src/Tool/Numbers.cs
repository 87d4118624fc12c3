using System.Globalization;

namespace StaticNet.Tool;

/// <summary>Numbers as the tool writes them, in declarations and messages: invariant culture, floats in the shortest form that reads back as the same float.</summary>
internal static class Numbers
{
    public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators, as the model summary writes them: <c>61,706</c>.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
