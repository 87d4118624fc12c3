using System.Runtime;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet;

/// <summary>
/// Which code a network's layers run: the generated scalar code, or the vectorised kernels at a given
/// width. Every level computes the same function; results agree within float rounding. Tests pin a
/// level to check each path; users normally leave the default, <see cref="SimdLevels.Best"/>.
/// </summary>
public enum SimdLevel
{
    /// <summary>Each kernel's plain scalar reference, kept beside its vector forms: the reference, and the fallback for any machine.</summary>
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

    /// <summary>
    /// One line for the start of a program: the level the kernels run at and, when the processor has
    /// wider vectors than this code uses, why and how to get them. A NativeAOT binary uses only the
    /// instruction sets it was compiled for (StaticNet's default is x86-64-v3, 256-bit vectors), the
    /// JIT those of the machine, less any the environment turns off (<c>DOTNET_EnableAVX512=0</c>,
    /// <c>DOTNET_PreferredVectorBitWidth=256</c>).
    /// </summary>
    public static string Describe()
    {
        bool jit = IsJitCompiled();
        string line = $"SIMD: {Best} kernels ({(jit ? "JIT" : "NativeAOT")})";
        if (Best < SimdLevel.Vector512 && ProcessorHasAvx512())
        {
            line += jit
                ? "; the processor has AVX-512, which this process was told not to use"
                : "; the processor has AVX-512, which this binary was not compiled for: publish with -p:StaticNetInstructionSet=x86-64-v4 (or native) for the 512-bit kernels";
        }

        return line + ".";
    }

    // Whether this code was compiled at run time. Not RuntimeFeature.IsDynamicCodeSupported: a project
    // with PublishAot turns that switch off for its JIT runs too, so that they behave as the binary will.
    // A NativeAOT process has no JIT, and reports no method it compiled.
    private static bool IsJitCompiled() => JitInfo.GetCompiledMethodCount() > 0;

    // AVX-512 F, DQ, CD, BW and VL, the subsets Vector512 needs, as CPUID leaf 7 reports them.
    private static bool ProcessorHasAvx512()
    {
        if (!X86Base.IsSupported || X86Base.CpuId(0, 0).Eax < 7)
        {
            return false;
        }

        const int required = (1 << 16) | (1 << 17) | (1 << 28) | (1 << 30) | (1 << 31);
        return (X86Base.CpuId(7, 0).Ebx & required) == required;
    }
}
