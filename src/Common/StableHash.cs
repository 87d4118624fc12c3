namespace StaticNet;

/// <summary>
/// The hash that keys random streams by name: a tensor's initializer stream, a dropout layer's masks.
/// The generator bakes a dropout layer's hash into its code and the runtime computes the others, so
/// this one file is compiled into both assemblies.
/// </summary>
internal static class StableHash
{
    /// <summary>64-bit FNV-1a over the UTF-16 code units: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    public static ulong Fnv1a(string key)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in key)
        {
            hash = unchecked((hash ^ c) * 0x100000001B3UL);
        }

        return hash;
    }
}
