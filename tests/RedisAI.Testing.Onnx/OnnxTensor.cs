using System.Runtime.InteropServices;

namespace RedisAI.Testing.Onnx;

/// <summary>
/// A constant tensor (ONNX <c>TensorProto</c>) stored as little-endian raw bytes,
/// used for initializers and tensor attributes.
/// </summary>
public sealed class OnnxTensor
{
    private readonly long[] _dims;
    private readonly byte[] _rawData;

    /// <summary>Creates a tensor from raw little-endian element bytes.</summary>
    /// <param name="name">Tensor name; initializers are referenced by it, attribute tensors may leave it empty.</param>
    /// <param name="elementType">Element type; <see cref="OnnxElementType.String"/> is not supported as raw data.</param>
    /// <param name="dims">Shape; empty for a scalar.</param>
    /// <param name="rawData">Element bytes in row-major order.</param>
    public OnnxTensor(string name, OnnxElementType elementType, long[] dims, ReadOnlySpan<byte> rawData)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dims);
        if (elementType is OnnxElementType.String or OnnxElementType.Undefined)
        {
            // ONNX forbids raw_data for strings; they would need string_data, which nothing here uses.
            throw new ArgumentException($"Element type {elementType} cannot be stored as raw data.", nameof(elementType));
        }

        var expectedBytes = dims.Aggregate(1L, (count, dim) => count * dim) * SizeOf(elementType);
        if (rawData.Length != expectedBytes)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", dims)}] of {elementType} needs {expectedBytes} bytes, got {rawData.Length}.", nameof(rawData));
        }

        Name = name;
        ElementType = elementType;
        _dims = (long[])dims.Clone();
        _rawData = rawData.ToArray();
    }

    /// <summary>Tensor name.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>Shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Dims => _dims;

    /// <summary>Creates a FLOAT tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dims">Shape; its element count must equal <paramref name="values"/>' length.</param>
    /// <param name="values">Elements in row-major order.</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromFloats(string name, long[] dims, float[] values) =>
        new(name, OnnxElementType.Float, dims, AsBytes<float>(values));

    /// <summary>Creates an INT64 tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dims">Shape; its element count must equal <paramref name="values"/>' length.</param>
    /// <param name="values">Elements in row-major order.</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromInt64s(string name, long[] dims, long[] values) =>
        new(name, OnnxElementType.Int64, dims, AsBytes<long>(values));

    /// <summary>Creates an INT32 tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dims">Shape; its element count must equal <paramref name="values"/>' length.</param>
    /// <param name="values">Elements in row-major order.</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromInt32s(string name, long[] dims, int[] values) =>
        new(name, OnnxElementType.Int32, dims, AsBytes<int>(values));

    /// <summary>
    /// Where the tensor claims its data lives (ONNX <c>data_location = EXTERNAL</c>), or <see langword="null"/> for
    /// data kept in the model. An external tensor is written without its raw bytes.
    /// </summary>
    public string? ExternalLocation { get; init; }

    internal void WriteTo(ProtoWriter writer)
    {
        writer.WritePackedInt64(OnnxFields.Tensor.Dims, _dims);
        writer.WriteInt64(OnnxFields.Tensor.DataType, (long)ElementType);
        if (Name.Length > 0)
        {
            writer.WriteString(OnnxFields.Tensor.Name, Name);
        }

        if (ExternalLocation is null)
        {
            writer.WriteBytes(OnnxFields.Tensor.RawData, _rawData);
            return;
        }

        writer.WriteMessage(OnnxFields.Tensor.ExternalData, entry =>
        {
            entry.WriteString(1, "location");
            entry.WriteString(2, ExternalLocation);
        });
        writer.WriteInt64(OnnxFields.Tensor.DataLocation, 1);
    }

    private static int SizeOf(OnnxElementType type) => type switch
    {
        OnnxElementType.UInt8 or OnnxElementType.Int8 or OnnxElementType.Bool => 1,
        OnnxElementType.UInt16 or OnnxElementType.Int16 or OnnxElementType.Float16 or OnnxElementType.BFloat16 => 2,
        OnnxElementType.Float or OnnxElementType.Int32 or OnnxElementType.UInt32 => 4,
        OnnxElementType.Int64 or OnnxElementType.Double or OnnxElementType.UInt64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type."),
    };

    private static ReadOnlySpan<byte> AsBytes<T>(T[] values)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(values);

        // raw_data is little-endian by definition; reinterpreting memory is only right on such hosts.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        }

        return MemoryMarshal.AsBytes(values.AsSpan());
    }
}
