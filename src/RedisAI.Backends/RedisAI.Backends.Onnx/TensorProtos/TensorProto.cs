namespace RedisAI.Backends.Onnx.TensorProtos;

/// <summary>
/// The parts of onnx.proto's <c>TensorProto</c> this library reads and writes: its field numbers, and one table of
/// the ONNX data types with the store type and the typed field that each maps to.
/// </summary>
internal static class TensorProto
{
    public const int Dims = 1;
    public const int DataTypeNumber = 2;
    public const int Segment = 3;
    public const int FloatData = 4;
    public const int Int32Data = 5;
    public const int StringData = 6;
    public const int Int64Data = 7;
    public const int Name = 8;
    public const int RawData = 9;
    public const int DoubleData = 10;
    public const int Uint64Data = 11;
    public const int ExternalData = 13;
    public const int DataLocation = 14;

    /// <summary>The <c>DataLocation</c> value that puts the data in another file.</summary>
    public const ulong DataLocationExternal = 1;

    // Indexed by the ONNX TensorProto.DataType number. Min/Max bound the int32_data values of the types kept there:
    // FLOAT16 and BFLOAT16 hold a 16-bit pattern, which writers zero- or sign-extend.
    private static readonly Row[] Table =
    [
        new("UNDEFINED", null, 0),
        new("FLOAT", DataType.Float, FloatData),
        new("UINT8", DataType.UInt8, Int32Data, byte.MinValue, byte.MaxValue),
        new("INT8", DataType.Int8, Int32Data, sbyte.MinValue, sbyte.MaxValue),
        new("UINT16", DataType.UInt16, Int32Data, ushort.MinValue, ushort.MaxValue),
        new("INT16", DataType.Int16, Int32Data, short.MinValue, short.MaxValue),
        new("INT32", DataType.Int32, Int32Data, int.MinValue, int.MaxValue),
        new("INT64", DataType.Int64, Int64Data),
        new("STRING", DataType.String, StringData),
        new("BOOL", DataType.Bool, Int32Data, 0, 1),
        new("FLOAT16", DataType.Float16, Int32Data, short.MinValue, ushort.MaxValue),
        new("DOUBLE", DataType.Double, DoubleData),
        new("UINT32", DataType.UInt32, Uint64Data, 0, uint.MaxValue),
        new("UINT64", DataType.UInt64, Uint64Data),
        new("COMPLEX64", null, 0),
        new("COMPLEX128", null, 0),
        new("BFLOAT16", DataType.BFloat16, Int32Data, short.MinValue, ushort.MaxValue),
        new("FLOAT8E4M3FN", null, 0),
        new("FLOAT8E4M3FNUZ", null, 0),
        new("FLOAT8E5M2", null, 0),
        new("FLOAT8E5M2FNUZ", null, 0),
        new("UINT4", null, 0),
        new("INT4", null, 0),
        new("FLOAT4E2M1", null, 0),
        new("FLOAT8E8M0", null, 0),
        new("UINT2", null, 0),
        new("INT2", null, 0),
    ];

    // Store data type (by numeric value) to ONNX number, derived from Table so the mapping lives in one place.
    private static readonly int[] OnnxByDataType = BuildReverse();

    /// <summary>The store type for an ONNX data type number, with the typed field that holds its values.</summary>
    public static bool TryGetDataType(long onnxType, out DataType dataType, out int typedField)
    {
        if (onnxType >= 0 && onnxType < Table.Length && Table[onnxType].Type is { } type)
        {
            dataType = type;
            typedField = Table[onnxType].TypedField;
            return true;
        }

        dataType = default;
        typedField = 0;
        return false;
    }

    /// <summary>The range of int32_data values an ONNX type stored there accepts.</summary>
    public static (long Min, long Max) GetInt32DataRange(long onnxType) => (Table[onnxType].Min, Table[onnxType].Max);

    /// <summary>The ONNX data type number of a store type.</summary>
    public static int ToOnnxType(DataType dataType) =>
        DataTypes.IsDefined(dataType) ? OnnxByDataType[(int)dataType] : throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "Not a defined data type.");

    /// <summary>The ONNX name of a data type number, such as <c>COMPLEX64 (14)</c>.</summary>
    public static string DescribeOnnxType(long onnxType) =>
        onnxType >= 0 && onnxType < Table.Length ? $"{Table[onnxType].Name} ({onnxType})" : $"{onnxType} (not an ONNX data type this library knows)";

    /// <summary>The onnx.proto name of a field that holds values.</summary>
    public static string FieldName(int field) => field switch
    {
        FloatData => "float_data",
        Int32Data => "int32_data",
        StringData => "string_data",
        Int64Data => "int64_data",
        RawData => "raw_data",
        DoubleData => "double_data",
        Uint64Data => "uint64_data",
        _ => $"field {field}",
    };

    private static int[] BuildReverse()
    {
        var reverse = new int[DataTypes.All.Count + 1];
        for (int i = 0; i < Table.Length; i++)
        {
            if (Table[i].Type is { } type)
            {
                reverse[(int)type] = i;
            }
        }

        return reverse;
    }

    private readonly record struct Row(string Name, DataType? Type, int TypedField, long Min = long.MinValue, long Max = long.MaxValue);
}
