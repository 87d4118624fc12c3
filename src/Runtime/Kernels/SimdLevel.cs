using System.Runtime.Intrinsics;

namespace StaticNet;

/// <summary>
/// Which code a network's layers run: the generated scalar code, or the vectorised kernels at a given
/// width. Every level computes the same function; results agree within float rounding. Tests pin a
/// level to check each path; users normally leave the default, <see cref="SimdLevels.Best"/>.
/// </summary>
public enum SimdLevel
{
    /// <summary>The generated straight-line scalar code: the reference, and the fallback for any machine.</summary>
    Scalar = 0,

    /// <summary>Vectorised kernels on 128-bit vectors (4 floats): NEON on Arm64, SSE on x64.</summary>
    Vector128 = 128,

    /// <summary>Vectorised kernels on 256-bit vectors (8 floats): AVX2 on x64.</summary>
    Vector256 = 256,

    /// <summary>Vectorised kernels on 512-bit vectors (16 floats): AVX-512 on x64.</summary>
    Vector512 = 512,
}

/// <summary>The SIMD levels this machine runs natively.</summary>
public static class SimdLevels
{
    /// <summary>The widest level the hardware accelerates.</summary>
    public static SimdLevel Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdLevel.Vector512
        : Vector256.IsHardwareAccelerated ? SimdLevel.Vector256
        : Vector128.IsHardwareAccelerated ? SimdLevel.Vector128
        : SimdLevel.Scalar;
}
