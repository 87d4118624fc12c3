using System;
using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// The activation layers (<see cref="Forward"/> and <see cref="Backward"/>, over whole buffers), and the
/// functions among them whose formula is long enough to deserve a name or needs the error function. Each
/// of those is computed in double and rounded once, so it is as close to the exact value as a float can be.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Activations
{
    private const double InverseSqrt2 = 0.70710678118654752440;
    private const double InverseSqrt2Pi = 0.39894228040143267794;

    /// <summary>GELU in PyTorch's exact form: <c>x * (1 + erf(x / sqrt(2))) / 2</c>.</summary>
    public static float Gelu(float x) => (float)(0.5 * x * (1.0 + Erf(x * InverseSqrt2)));

    /// <summary>The derivative of GELU: <c>Phi(x) + x * phi(x)</c>, with Phi and phi the standard normal's distribution and density.</summary>
    public static float GeluDerivative(float x)
    {
        double value = x;
        return (float)((0.5 * (1.0 + Erf(value * InverseSqrt2))) + (value * InverseSqrt2Pi * Math.Exp(-0.5 * value * value)));
    }

    /// <summary>SiLU (swish): <c>x * sigmoid(x)</c>.</summary>
    public static float Silu(float x) => (float)(x / (1.0 + Math.Exp(-(double)x)));

    /// <summary>The derivative of SiLU: <c>sigmoid(x) * (1 + x * (1 - sigmoid(x)))</c>.</summary>
    public static float SiluDerivative(float x)
    {
        double sigmoid = 1.0 / (1.0 + Math.Exp(-(double)x));
        return (float)(sigmoid * (1.0 + (x * (1.0 - sigmoid))));
    }

    /// <summary>Softplus as PyTorch computes it: <c>x</c> where <c>beta * x</c> exceeds the threshold, else <c>log(1 + exp(beta * x)) / beta</c>.</summary>
    public static float Softplus(float x, float beta, float threshold)
    {
        double scaled = (double)x * beta;
        return scaled > threshold ? x : (float)(LogOnePlus(Math.Exp(scaled)) / beta);
    }

    /// <summary>The derivative of softplus: 1 above the threshold, else <c>sigmoid(beta * x)</c>.</summary>
    public static float SoftplusDerivative(float x, float beta, float threshold)
    {
        double scaled = (double)x * beta;
        return scaled > threshold ? 1f : (float)(1.0 / (1.0 + Math.Exp(-scaled)));
    }

    /// <summary>
    /// The error function, within 1e-12: its Taylor series below 3 (where cancellation costs at most
    /// 4 of a double's 16 digits), and <c>1 - erfc(x)</c> from erfc's continued fraction above.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        double a = Math.Abs(x);
        if (a < 3.0)
        {
            // erf(x) = 2/sqrt(pi) * sum over n of (-1)^n x^(2n+1) / (n! (2n+1)).
            double square = x * x, term = x, sum = x;
            for (int n = 1; n < 100; n++)
            {
                term *= -square / n;
                double next = term / ((2 * n) + 1);
                sum += next;
                if (Math.Abs(next) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }
            }

            return sum * 1.1283791670955125739; // 2 / sqrt(pi)
        }

        double result = a > 6.0 ? 1.0 : 1.0 - ErfcContinuedFraction(a);
        return x < 0 ? -result : result;
    }

    /// <summary>
    /// erfc(x) for x &gt;= 3 from its continued fraction
    /// <c>exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...)))))</c>,
    /// evaluated from the tail; 60 terms give double precision from 3 up.
    /// </summary>
    private static double ErfcContinuedFraction(double x)
    {
        double fraction = x;
        for (int k = 60; k >= 1; k--)
        {
            fraction = x + (k * 0.5 / fraction);
        }

        return Math.Exp(-x * x) / (1.7724538509055160273 * fraction); // sqrt(pi)
    }

    /// <summary><c>log(1 + z)</c>, accurate for small <paramref name="z"/> too (the correction is exact to rounding).</summary>
    internal static double LogOnePlus(double z)
    {
        double u = 1.0 + z;
        return u == 1.0 ? z : Math.Log(u) * (z / (u - 1.0));
    }
}
