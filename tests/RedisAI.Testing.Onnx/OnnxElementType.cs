namespace RedisAI.Testing.Onnx;

/// <summary>Tensor element types, numbered exactly as ONNX <c>TensorProto.DataType</c>.</summary>
// Member names mirror ONNX's own (and ONNX Runtime's TensorElementType), so type names are intended.
#pragma warning disable CA1720
public enum OnnxElementType
{
    /// <summary>Not set; never valid in a model.</summary>
    Undefined = 0,

    /// <summary>32-bit IEEE float.</summary>
    Float = 1,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,

    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,

    /// <summary>UTF-8 string.</summary>
    String = 8,

    /// <summary>Boolean, one byte per element.</summary>
    Bool = 9,

    /// <summary>16-bit IEEE half-precision float.</summary>
    Float16 = 10,

    /// <summary>64-bit IEEE float.</summary>
    Double = 11,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,

    /// <summary>16-bit brain float (the upper half of a float32).</summary>
    BFloat16 = 16,
}
#pragma warning restore CA1720
