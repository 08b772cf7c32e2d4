namespace RedisAI;

/// <summary>
/// The element type of a <see cref="AiTensor"/>. Covers every RedisAI data type plus the half-precision
/// and unsigned types ONNX models commonly use. The numeric values are stable: snapshots store them.
/// </summary>
#pragma warning disable CA1720 // The members are the RedisAI and ONNX type names users know.
public enum DataType
{
    /// <summary>32-bit IEEE 754 float (<see cref="float"/>).</summary>
    Float = 1,

    /// <summary>64-bit IEEE 754 float (<see cref="double"/>).</summary>
    Double = 2,

    /// <summary>Signed 8-bit integer (<see cref="sbyte"/>).</summary>
    Int8 = 3,

    /// <summary>Signed 16-bit integer (<see cref="short"/>).</summary>
    Int16 = 4,

    /// <summary>Signed 32-bit integer (<see cref="int"/>).</summary>
    Int32 = 5,

    /// <summary>Signed 64-bit integer (<see cref="long"/>).</summary>
    Int64 = 6,

    /// <summary>Unsigned 8-bit integer (<see cref="byte"/>).</summary>
    UInt8 = 7,

    /// <summary>Unsigned 16-bit integer (<see cref="ushort"/>).</summary>
    UInt16 = 8,

    /// <summary>Boolean stored as one byte holding 0 or 1 (<see cref="bool"/>).</summary>
    Bool = 9,

    /// <summary>UTF-8 strings; each element is stored followed by a NUL byte, as RedisAI does.</summary>
    String = 10,

    /// <summary>16-bit IEEE 754 half-precision float (<see cref="Half"/>).</summary>
    Float16 = 11,

    /// <summary>16-bit brain float (<see cref="BFloat16"/>).</summary>
    BFloat16 = 12,

    /// <summary>Unsigned 32-bit integer (<see cref="uint"/>). Not in RedisAI; ONNX models use it.</summary>
    UInt32 = 13,

    /// <summary>Unsigned 64-bit integer (<see cref="ulong"/>). Not in RedisAI; ONNX models use it.</summary>
    UInt64 = 14,
}
#pragma warning restore CA1720
