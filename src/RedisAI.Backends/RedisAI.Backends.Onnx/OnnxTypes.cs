using Microsoft.ML.OnnxRuntime.Tensors;

namespace RedisAI.Backends.Onnx;

/// <summary>The mapping between store data types and ONNX Runtime element types.</summary>
internal static class OnnxTypes
{
    public static bool TryToDataType(TensorElementType type, out DataType dataType)
    {
        dataType = type switch
        {
            TensorElementType.Float => DataType.Float,
            TensorElementType.Double => DataType.Double,
            TensorElementType.Int8 => DataType.Int8,
            TensorElementType.Int16 => DataType.Int16,
            TensorElementType.Int32 => DataType.Int32,
            TensorElementType.Int64 => DataType.Int64,
            TensorElementType.UInt8 => DataType.UInt8,
            TensorElementType.UInt16 => DataType.UInt16,
            TensorElementType.UInt32 => DataType.UInt32,
            TensorElementType.UInt64 => DataType.UInt64,
            TensorElementType.Bool => DataType.Bool,
            TensorElementType.String => DataType.String,
            TensorElementType.Float16 => DataType.Float16,
            TensorElementType.BFloat16 => DataType.BFloat16,
            _ => 0,
        };
        return dataType != 0;
    }

    public static TensorElementType ToElementType(DataType dataType) => dataType switch
    {
        DataType.Float => TensorElementType.Float,
        DataType.Double => TensorElementType.Double,
        DataType.Int8 => TensorElementType.Int8,
        DataType.Int16 => TensorElementType.Int16,
        DataType.Int32 => TensorElementType.Int32,
        DataType.Int64 => TensorElementType.Int64,
        DataType.UInt8 => TensorElementType.UInt8,
        DataType.UInt16 => TensorElementType.UInt16,
        DataType.UInt32 => TensorElementType.UInt32,
        DataType.UInt64 => TensorElementType.UInt64,
        DataType.Bool => TensorElementType.Bool,
        DataType.String => TensorElementType.String,
        DataType.Float16 => TensorElementType.Float16,
        DataType.BFloat16 => TensorElementType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "Not a defined data type."),
    };
}
