using System.Globalization;

namespace RedisAI.Conformance;

/// <summary>
/// How close a float output must be to the expected one: <c>|actual - expected| &lt;= Atol + Rtol * |expected|</c>
/// per element, as numpy's <c>assert_allclose</c> in ONNX's backend test runner, with NaN equal to NaN and
/// infinities equal only to themselves. Integers, BOOL and STRING must match exactly.
/// </summary>
/// <param name="Rtol">Relative tolerance; ONNX's backend tests default to 1e-3.</param>
/// <param name="Atol">Absolute tolerance; ONNX's backend tests default to 1e-7.</param>
public sealed record Tolerance(double Rtol, double Atol)
{
    /// <summary>ONNX's backend test defaults: rtol 1e-3, atol 1e-7.</summary>
    public static Tolerance OnnxDefault { get; } = new(1e-3, 1e-7);

    /// <summary>Whether one element is close enough.</summary>
    public bool IsClose(double actual, double expected)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            return double.IsNaN(expected) && double.IsNaN(actual);
        }

        if (double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            return actual == expected;
        }

        return Math.Abs(actual - expected) <= Atol + (Rtol * Math.Abs(expected));
    }

    /// <summary>Formats as <c>rtol 0.001, atol 1E-07</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"rtol {Rtol:G}, atol {Atol:G}");
}
