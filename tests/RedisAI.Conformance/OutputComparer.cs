using System.Globalization;

namespace RedisAI.Conformance;

/// <summary>Compares an output tensor with the expected one: type and shape exactly, values by <see cref="Tolerance"/>.</summary>
public static class OutputComparer
{
    /// <summary>Returns null when <paramref name="actual"/> matches, otherwise what differs first.</summary>
    public static string? Compare(AiTensor actual, AiTensor expected, Tolerance tolerance)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(tolerance);
        if (actual.DataType != expected.DataType)
        {
            return $"type {DataTypes.GetName(actual.DataType)}, expected {DataTypes.GetName(expected.DataType)}";
        }

        if (actual.Shape != expected.Shape)
        {
            return $"shape {actual.Shape}, expected {expected.Shape}";
        }

        return actual.DataType switch
        {
            DataType.Float => CompareFloats(actual.GetData<float>(), expected.GetData<float>(), static v => v, tolerance),
            DataType.Double => CompareFloats(actual.GetData<double>(), expected.GetData<double>(), static v => v, tolerance),
            DataType.Float16 => CompareFloats(actual.GetData<Half>(), expected.GetData<Half>(), static v => (double)v, tolerance),
            DataType.BFloat16 => CompareFloats(actual.GetData<BFloat16>(), expected.GetData<BFloat16>(), static v => v.ToSingle(), tolerance),
            DataType.String => CompareStrings(actual, expected),
            _ => CompareExact(actual, expected),
        };
    }

    private static string? CompareFloats<T>(ReadOnlySpan<T> actual, ReadOnlySpan<T> expected, Func<T, double> toDouble, Tolerance tolerance)
    {
        int failures = 0;
        int first = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            if (!tolerance.IsClose(toDouble(actual[i]), toDouble(expected[i])))
            {
                failures++;
                if (first < 0)
                {
                    first = i;
                }
            }
        }

        if (failures == 0)
        {
            return null;
        }

        double a = toDouble(actual[first]);
        double e = toDouble(expected[first]);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{failures} of {actual.Length} elements differ beyond {tolerance}; first at {first}: {a:R}, expected {e:R} (|diff| {Math.Abs(a - e):G3})");
    }

    private static string? CompareExact(AiTensor actual, AiTensor expected)
    {
        ReadOnlySpan<byte> a = actual.GetBytes();
        ReadOnlySpan<byte> e = expected.GetBytes();
        int mismatch = a.CommonPrefixLength(e);
        if (mismatch == a.Length)
        {
            return null;
        }

        int index = mismatch / DataTypes.GetElementSize(actual.DataType);
        return $"element {index} is {Format(actual, index)}, expected {Format(expected, index)} (exact match required)";
    }

    private static string? CompareStrings(AiTensor actual, AiTensor expected)
    {
        for (long i = 0; i < actual.ElementCount; i++)
        {
            if (!actual.GetStringUtf8(i).SequenceEqual(expected.GetStringUtf8(i)))
            {
                return $"string element {i} is \"{actual.GetString(i)}\", expected \"{expected.GetString(i)}\"";
            }
        }

        return null;
    }

    private static string Format(AiTensor tensor, int index) => tensor.DataType switch
    {
        DataType.Int8 => tensor.GetData<sbyte>()[index].ToString(CultureInfo.InvariantCulture),
        DataType.Int16 => tensor.GetData<short>()[index].ToString(CultureInfo.InvariantCulture),
        DataType.Int32 => tensor.GetData<int>()[index].ToString(CultureInfo.InvariantCulture),
        DataType.Int64 => tensor.GetData<long>()[index].ToString(CultureInfo.InvariantCulture),
        DataType.UInt8 => tensor.GetData<byte>()[index].ToString(CultureInfo.InvariantCulture),
        DataType.UInt16 => tensor.GetData<ushort>()[index].ToString(CultureInfo.InvariantCulture),
        DataType.UInt32 => tensor.GetData<uint>()[index].ToString(CultureInfo.InvariantCulture),
        DataType.UInt64 => tensor.GetData<ulong>()[index].ToString(CultureInfo.InvariantCulture),
        DataType.Bool => tensor.GetData<bool>()[index] ? "true" : "false",
        _ => "?",
    };
}
