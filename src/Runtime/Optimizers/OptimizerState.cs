using System;

namespace StaticNet;

/// <summary>Allocates an optimizer's per-parameter state once, and checks that later steps pass buffers of the same length.</summary>
internal static class OptimizerState
{
    public static float[] Ensure(ref float[]? state, int parameterCount, int gradientCount, string optimizer)
    {
        if (gradientCount != parameterCount)
        {
            throw new ArgumentException($"{optimizer}: gradients hold {gradientCount} values but parameters hold {parameterCount}.", "gradients");
        }

        if (state is null)
        {
            state = new float[parameterCount];
        }
        else if (state.Length != parameterCount)
        {
            throw new ArgumentException($"{optimizer} was stepping {state.Length} parameters and is now given {parameterCount}; use one optimizer per network.", "parameters");
        }

        return state;
    }
}
