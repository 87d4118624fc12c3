using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>
/// Rename functions for <see cref="NetworkFiles.Load"/> and <see cref="NetworkFiles.LoadMatching"/>:
/// how a PyTorch model's <c>state_dict</c> names (<c>features.0.weight</c>, as <c>nn.Sequential</c>
/// numbers its layers) become the names of a StaticNet network (<c>conv1.weight</c>).
/// </summary>
public static class TensorRenames
{
    /// <summary>
    /// Renames by pairs, as scripts/torch_to_safetensors.py's <c>--rename</c> does: a name equal to
    /// <c>From</c> becomes <c>To</c>, and when <c>From</c> ends with '.', every name that starts with it
    /// has that prefix replaced by <c>To</c>. The longest <c>From</c> that applies wins; a name no pair
    /// applies to is kept as it is.
    /// </summary>
    /// <example><c>TensorRenames.Map(("features.0.", "conv1."), ("features.3.", "conv2."), ("classifier.weight", "fc.weight"))</c></example>
    /// <exception cref="ArgumentException">A pair has an empty <c>From</c>, or two pairs have the same one.</exception>
    public static Func<string, string?> Map(params (string From, string To)[] renames)
    {
        ArgumentNullException.ThrowIfNull(renames);
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string from, string to) in renames)
        {
            if (string.IsNullOrEmpty(from) || to is null)
            {
                throw new ArgumentException($"Each rename needs a non-empty From and a To; found ('{from}', '{to}').", nameof(renames));
            }

            if (!pairs.TryAdd(from, to))
            {
                throw new ArgumentException($"'{from}' is renamed twice: to '{pairs[from]}' and to '{to}'.", nameof(renames));
            }
        }

        return name =>
        {
            string? best = null;
            foreach (string from in pairs.Keys)
            {
                bool applies = name == from || (from.EndsWith('.') && name.StartsWith(from, StringComparison.Ordinal));
                if (applies && (best is null || from.Length > best.Length))
                {
                    best = from;
                }
            }

            return best is null ? name : pairs[best] + name.Substring(best.Length);
        };
    }
}
