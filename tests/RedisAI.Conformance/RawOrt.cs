using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RedisAI.Conformance;

/// <summary>
/// The reference path: tensors to and from ONNX Runtime values with the ONNX Runtime API alone, copying into
/// runtime-allocated memory, so it shares no code with the store's backend beyond the tensor files.
/// </summary>
public static class RawOrt
{
    /// <summary>A copy of <paramref name="tensor"/> as an ONNX Runtime value owned by the caller.</summary>
    public static OrtValue ToOrtValue(AiTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        long[] shape = tensor.Shape.Dimensions.ToArray();
        if (tensor.DataType == DataType.String)
        {
            OrtValue strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            for (int i = 0; i < tensor.ElementCount; i++)
            {
                strings.StringTensorSetElementAt(tensor.GetStringUtf8(i), i);
            }

            return strings;
        }

        OrtValue value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, ToElementType(tensor.DataType), shape);
        tensor.GetBytes().CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    /// <summary>A store tensor copied from an ONNX Runtime tensor value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a tensor of a type the store holds.</exception>
    public static AiTensor ToTensor(OrtValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.IsTensor)
        {
            throw new InvalidOperationException($"output is a {value.OnnxType}, not a tensor");
        }

        OrtTensorTypeAndShapeInfo info = value.GetTensorTypeAndShape();
        var shape = new TensorShape(info.Shape);
        DataType type = ToDataType(info.ElementDataType);
        if (type != DataType.String)
        {
            return AiTensor.FromBytes(type, shape, value.GetTensorMutableRawData());
        }

        using var blob = new MemoryStream();
        for (int i = 0; i < shape.ElementCount; i++)
        {
            ReadOnlySpan<byte> element = value.GetStringElementAsSpan(i);
            if (element.Contains((byte)0))
            {
                throw new InvalidOperationException($"string element {i} holds a NUL byte, which a store STRING tensor cannot");
            }

            blob.Write(element);
            blob.WriteByte(0);
        }

        return AiTensor.FromBytes(DataType.String, shape, blob.ToArray());
    }

    /// <summary>The ONNX Runtime element type of a store type.</summary>
    public static TensorElementType ToElementType(DataType type) => type switch
    {
        DataType.Float => TensorElementType.Float,
        DataType.Double => TensorElementType.Double,
        DataType.Float16 => TensorElementType.Float16,
        DataType.BFloat16 => TensorElementType.BFloat16,
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
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a store data type"),
    };

    /// <summary>The store type of an ONNX Runtime element type.</summary>
    /// <exception cref="InvalidOperationException">The store has no such type.</exception>
    public static DataType ToDataType(TensorElementType type) => type switch
    {
        TensorElementType.Float => DataType.Float,
        TensorElementType.Double => DataType.Double,
        TensorElementType.Float16 => DataType.Float16,
        TensorElementType.BFloat16 => DataType.BFloat16,
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
        _ => throw new InvalidOperationException($"element type {type} has no store data type"),
    };
}
