using System.Diagnostics;
using System.Text;

namespace RedisAI.Backends.Onnx.TensorProtos;

/// <summary>
/// Serializes a store tensor as an ONNX <c>TensorProto</c> the way onnx.numpy_helper.from_array does: dims, data_type,
/// then string_data for STRING or raw_data for every other type, in field-number order.
/// </summary>
internal static class TensorProtoWriter
{
    public static byte[] Write(AiTensor tensor, string? name)
    {
        ReadOnlySpan<long> dims = tensor.Shape.Dimensions;
        int onnxType = TensorProto.ToOnnxType(tensor.DataType);
        byte[]? nameBytes = name is null ? null : Encoding.UTF8.GetBytes(name);
        bool isString = tensor.DataType == DataType.String;

        long size = ProtoWriter.VarintFieldSize(TensorProto.DataTypeNumber, (ulong)onnxType);
        foreach (long dim in dims)
        {
            size += ProtoWriter.VarintFieldSize(TensorProto.Dims, (ulong)dim);
        }

        if (isString)
        {
            for (long i = 0; i < tensor.ElementCount; i++)
            {
                size += ProtoWriter.BytesFieldSize(TensorProto.StringData, tensor.GetStringUtf8(i).Length);
            }
        }
        else
        {
            size += ProtoWriter.BytesFieldSize(TensorProto.RawData, tensor.ByteCount);
        }

        if (nameBytes is not null)
        {
            size += ProtoWriter.BytesFieldSize(TensorProto.Name, nameBytes.Length);
        }

        if (size > Array.MaxLength)
        {
            throw new AiArgumentException($"a {tensor} tensor takes {size} bytes as a TensorProto, more than one array can hold ({Array.MaxLength})");
        }

        byte[] buffer = new byte[size];
        var writer = new ProtoWriter(buffer);
        foreach (long dim in dims)
        {
            writer.WriteVarintField(TensorProto.Dims, (ulong)dim);
        }

        writer.WriteVarintField(TensorProto.DataTypeNumber, (ulong)onnxType);
        if (isString)
        {
            for (long i = 0; i < tensor.ElementCount; i++)
            {
                writer.WriteBytesField(TensorProto.StringData, tensor.GetStringUtf8(i));
            }
        }

        if (nameBytes is not null)
        {
            writer.WriteBytesField(TensorProto.Name, nameBytes);
        }

        if (!isString)
        {
            // The store keeps data little-endian, as raw_data requires.
            writer.WriteBytesField(TensorProto.RawData, tensor.GetBytes());
        }

        Debug.Assert(writer.Position == buffer.Length, "The size computed above must match what was written.");
        return buffer;
    }
}
