using System;

namespace StaticNet;

/// <summary>Flattens a [channels, height, width] input into a vector, in channel-major (NCHW) order like PyTorch.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class FlattenAttribute : LayerAttribute
{
}
