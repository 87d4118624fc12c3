namespace StaticNet.Generator;

/// <summary>The version written into <c>[GeneratedCode]</c> on every generated type.</summary>
internal static class ThisAssembly
{
    public const string Version = "0.1.0";
}
