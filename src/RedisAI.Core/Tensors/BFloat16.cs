using System.Runtime.InteropServices;

namespace RedisAI;

/// <summary>
/// A 16-bit brain floating-point number: the upper half of an IEEE 754 single. Used as the element type of
/// <see cref="DataType.BFloat16"/> tensors; convert to and from <see cref="float"/> for arithmetic.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 2)]
public readonly record struct BFloat16
{
    /// <summary>Creates a value from its raw bits.</summary>
    public BFloat16(ushort bits) => Bits = bits;

    /// <summary>The raw 16 bits.</summary>
    public ushort Bits { get; }

    /// <summary>Converts a single to the nearest bfloat16 (round to nearest, ties to even; NaN stays NaN).</summary>
    public static explicit operator BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }

        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>Widens to a single exactly.</summary>
    public static implicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value.Bits << 16);

    /// <summary>Converts a single to the nearest bfloat16.</summary>
    public static BFloat16 FromSingle(float value) => (BFloat16)value;

    /// <summary>Widens to a single exactly.</summary>
    public float ToSingle() => this;

    /// <inheritdoc />
    public override string ToString() => ToSingle().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
