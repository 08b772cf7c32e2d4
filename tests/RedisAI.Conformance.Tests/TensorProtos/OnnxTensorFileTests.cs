using System.Text;
using RedisAI.Backends.Onnx.TensorProtos;

namespace RedisAI.Conformance.Tests.TensorProtos;

public sealed class OnnxTensorFileTests
{
    // onnx.proto TensorProto field numbers and data types, spelled out so the tests do not trust the reader's table.
    private const int Dims = 1, DataTypeField = 2, FloatData = 4, Int32Data = 5, StringData = 6, Int64Data = 7, Name = 8, RawData = 9, DoubleData = 10, Uint64Data = 11, DocString = 12, ExternalData = 13, DataLocation = 14;
    private const int Float = 1, Uint8 = 2, Int8 = 3, Uint16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, OnnxString = 8, Bool = 9, Float16 = 10, OnnxDouble = 11, Uint32 = 12, Uint64 = 13, Complex64 = 14, BFloat16 = 16, Float8E4M3FN = 17;

    [Fact]
    public void Read_RawFloatData_ReturnsTypeShapeValuesAndName()
    {
        float[] values = [1.5f, -2f, float.NaN, float.PositiveInfinity, 0f, 3.25f];
        byte[] proto = new ProtoBytes().Varint(Dims, 2).Varint(Dims, 3).Varint(DataTypeField, Float).String(Name, "x")
            .Bytes(RawData, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())).ToArray();

        AiTensor tensor = OnnxTensorFile.Read(proto, out string? name);

        Assert.Equal(DataType.Float, tensor.DataType);
        Assert.Equal(new TensorShape(2, 3), tensor.Shape);
        Assert.Equal(values, tensor.GetData<float>().ToArray());
        Assert.Equal("x", name);
    }

    [Fact]
    public void Read_PackedFloatData_ReturnsValues()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 3).Varint(DataTypeField, Float).PackedFloats(FloatData, 1f, 2f, 3f).ToArray();

        Assert.Equal([1f, 2f, 3f], OnnxTensorFile.Read(proto).GetData<float>().ToArray());
    }

    [Fact]
    public void Read_UnpackedFloatDataAndPackedDims_ReturnsValues()
    {
        byte[] proto = new ProtoBytes().PackedVarints(Dims, 1, 2).Varint(DataTypeField, Float)
            .Fixed32(FloatData, BitConverter.SingleToUInt32Bits(4f)).Fixed32(FloatData, BitConverter.SingleToUInt32Bits(5f)).ToArray();

        AiTensor tensor = OnnxTensorFile.Read(proto);

        Assert.Equal(new TensorShape(1, 2), tensor.Shape);
        Assert.Equal([4f, 5f], tensor.GetData<float>().ToArray());
    }

    [Fact]
    public void Read_PackedFloatDataInSeveralChunks_ConcatenatesThem()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 3).Varint(DataTypeField, Float).PackedFloats(FloatData, 1f).PackedFloats(FloatData, 2f, 3f).ToArray();

        Assert.Equal([1f, 2f, 3f], OnnxTensorFile.Read(proto).GetData<float>().ToArray());
    }

    [Fact]
    public void Read_Int32DataSmallIntegers_ReturnsEachType()
    {
        Assert.Equal([(sbyte)-128, (sbyte)127], ReadInt32Data(Int8, -128, 127).GetData<sbyte>().ToArray());
        Assert.Equal([(byte)0, (byte)255], ReadInt32Data(Uint8, 0, 255).GetData<byte>().ToArray());
        Assert.Equal([short.MinValue, short.MaxValue], ReadInt32Data(Int16, short.MinValue, short.MaxValue).GetData<short>().ToArray());
        Assert.Equal([(ushort)0, ushort.MaxValue], ReadInt32Data(Uint16, 0, ushort.MaxValue).GetData<ushort>().ToArray());
        Assert.Equal([int.MinValue, int.MaxValue], ReadInt32Data(Int32, int.MinValue, int.MaxValue).GetData<int>().ToArray());
        Assert.Equal([false, true], ReadInt32Data(Bool, 0, 1).GetData<bool>().ToArray());
    }

    [Fact]
    public void Read_Int32DataHalfPrecision_ReadsBitPatterns()
    {
        ushort half = BitConverter.HalfToUInt16Bits((Half)(-1.5f));
        AiTensor float16 = ReadInt32Data(Float16, half, BitConverter.HalfToUInt16Bits((Half)2f));
        AiTensor bfloat16 = ReadInt32Data(BFloat16, 0x3FC0, unchecked((short)0xC000));

        Assert.Equal([(Half)(-1.5f), (Half)2f], float16.GetData<Half>().ToArray());
        Assert.Equal([1.5f, -2f], bfloat16.GetData<RedisAI.BFloat16>().ToArray().Select(v => v.ToSingle()));
    }

    [Fact]
    public void Read_Int64Data_ReturnsNegativeAndExtremeValues()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 3).Varint(DataTypeField, Int64).PackedVarints(Int64Data, long.MinValue, -1, long.MaxValue).ToArray();

        Assert.Equal([long.MinValue, -1L, long.MaxValue], OnnxTensorFile.Read(proto).GetData<long>().ToArray());
    }

    [Fact]
    public void Read_Uint64Data_ReturnsUInt32AndUInt64()
    {
        byte[] u32 = new ProtoBytes().Varint(Dims, 1).Varint(DataTypeField, Uint32).PackedVarints(Uint64Data, uint.MaxValue).ToArray();
        byte[] u64 = new ProtoBytes().Varint(Dims, 1).Varint(DataTypeField, Uint64).Varint(Uint64Data, -1).ToArray();

        Assert.Equal([uint.MaxValue], OnnxTensorFile.Read(u32).GetData<uint>().ToArray());
        Assert.Equal([ulong.MaxValue], OnnxTensorFile.Read(u64).GetData<ulong>().ToArray());
    }

    [Fact]
    public void Read_DoubleData_ReturnsValues()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 2).Varint(DataTypeField, OnnxDouble).PackedDoubles(DoubleData, Math.PI, -0.0).ToArray();

        Assert.Equal([Math.PI, -0.0], OnnxTensorFile.Read(proto).GetData<double>().ToArray());
    }

    [Fact]
    public void Read_StringData_KeepsBytesThatAreNotUtf8()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 3).Varint(DataTypeField, OnnxString)
            .String(StringData, "héllo").Bytes(StringData, [0xFF, 0x41]).String(StringData, string.Empty).ToArray();

        AiTensor tensor = OnnxTensorFile.Read(proto);

        Assert.Equal(DataType.String, tensor.DataType);
        Assert.Equal(Encoding.UTF8.GetBytes("héllo"), tensor.GetStringUtf8(0).ToArray());
        Assert.Equal(new byte[] { 0xFF, 0x41 }, tensor.GetStringUtf8(1).ToArray());
        Assert.Equal(string.Empty, tensor.GetString(2));
    }

    [Fact]
    public void Read_NoDims_ReturnsScalar()
    {
        byte[] proto = new ProtoBytes().Varint(DataTypeField, Int32).Varint(Int32Data, 7).ToArray();

        AiTensor tensor = OnnxTensorFile.Read(proto, out string? name);

        Assert.Equal(TensorShape.Scalar, tensor.Shape);
        Assert.Equal([7], tensor.GetData<int>().ToArray());
        Assert.Null(name);
    }

    [Fact]
    public void Read_ZeroDimensionWithoutData_ReturnsEmptyTensor()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 0).Varint(Dims, 4).Varint(DataTypeField, Float).ToArray();

        AiTensor tensor = OnnxTensorFile.Read(proto);

        Assert.Equal(0, tensor.ElementCount);
        Assert.Equal(new TensorShape(0, 4), tensor.Shape);
    }

    [Fact]
    public void Read_UnknownFields_AreSkipped()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 1).String(DocString, "doc").Varint(DataTypeField, Float).Fixed64(99, 5).PackedFloats(FloatData, 1f).ToArray();

        Assert.Equal([1f], OnnxTensorFile.Read(proto).GetData<float>().ToArray());
    }

    [Theory]
    [InlineData(Int8, 128, "INT8")]
    [InlineData(Uint8, -1, "UINT8")]
    [InlineData(Bool, 2, "BOOL")]
    [InlineData(Uint16, 65536, "UINT16")]
    public void Read_Int32DataOutOfRange_ThrowsNamingElementAndType(int onnxType, long value, string typeName)
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 2).Varint(DataTypeField, onnxType).PackedVarints(Int32Data, 0, value).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("int32_data[1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains(typeName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Uint64DataAboveUInt32_Throws()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 1).Varint(DataTypeField, Uint32).Varint(Uint64Data, 1L << 32).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("uint64_data[0]", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Complex64, "COMPLEX64")]
    [InlineData(Float8E4M3FN, "FLOAT8E4M3FN")]
    [InlineData(0, "UNDEFINED")]
    [InlineData(200, "200")]
    public void Read_TypeTheStoreLacks_ThrowsNamingOnnxType(int onnxType, string expected)
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 1).Varint(DataTypeField, onnxType).Bytes(RawData, new byte[8]).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ExternalData_ThrowsSayingSo()
    {
        byte[] entry = new ProtoBytes().String(1, "location").String(2, "weights.bin").ToArray();
        byte[] proto = new ProtoBytes().Varint(Dims, 1).Varint(DataTypeField, Float).Bytes(ExternalData, entry).Varint(DataLocation, 1).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("external", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Read_DataLocationExternalAlone_Throws()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 1).Varint(DataTypeField, Float).Varint(DataLocation, 1).ToArray();

        Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));
    }

    [Fact]
    public void Read_ValueCountNotMatchingDims_ThrowsWithBothCounts()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 2).Varint(Dims, 2).Varint(DataTypeField, Float).PackedFloats(FloatData, 1f, 2f, 3f).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("float_data holds 3 values", ex.Message, StringComparison.Ordinal);
        Assert.Contains("needs 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RawDataOfWrongLength_ThrowsWithBothLengths()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 3).Varint(DataTypeField, Int64).Bytes(RawData, new byte[16]).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("raw_data", ex.Message, StringComparison.Ordinal);
        Assert.Contains("16 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("needs 24", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoValues_ThrowsSayingWhereTheyBelong()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 2).Varint(DataTypeField, Int64).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("int64_data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BothRawAndTypedData_Throws()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 1).Varint(DataTypeField, Float).PackedFloats(FloatData, 1f).Bytes(RawData, new byte[4]).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("both raw_data and float_data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ValuesInAnotherTypesField_Throws()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 1).Varint(DataTypeField, Int64).PackedFloats(FloatData, 1f).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("INT64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("float_data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_StringWithNul_Throws()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 1).Varint(DataTypeField, OnnxString).Bytes(StringData, [0x41, 0x00, 0x42]).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("string_data[0]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NUL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_StringInRawData_Throws()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 1).Varint(DataTypeField, OnnxString).Bytes(RawData, [0x41]).ToArray();

        Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));
    }

    [Fact]
    public void Read_BoolRawDataNotZeroOrOne_Throws()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 2).Varint(DataTypeField, Bool).Bytes(RawData, [1, 7]).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("BOOL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NegativeDimension_Throws()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, -1).Varint(DataTypeField, Float).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("dims[0] is -1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingDataType_Throws()
    {
        byte[] proto = new ProtoBytes().Varint(Dims, 1).PackedFloats(FloatData, 1f).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(proto));

        Assert.Contains("data_type", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedMessage_ThrowsWithByteOffset()
    {
        byte[] whole = new ProtoBytes().Varint(Dims, 4).Varint(DataTypeField, Float).Bytes(RawData, new byte[16]).ToArray();

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read(whole.AsSpan(0, whole.Length - 3)));

        Assert.Contains("the length at byte 5 declares 16 bytes but only 13 remain", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("invalid ONNX TensorProto", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Garbage_ThrowsAiArgumentException()
    {
        Assert.Throws<AiArgumentException>(() => OnnxTensorFile.Read([0xFF, 0xFF, 0xFF]));
    }

    public static TheoryData<DataType> AllDataTypes() => [.. DataTypes.All];

    [Theory]
    [MemberData(nameof(AllDataTypes))]
    public void Write_ThenRead_RoundTripsEveryDataType(DataType type)
    {
        AiTensor tensor = SampleTensor(type);

        byte[] proto = OnnxTensorFile.Write(tensor, "t");
        AiTensor back = OnnxTensorFile.Read(proto, out string? name);

        Assert.True(back.ContentEquals(tensor), $"{type} did not round-trip");
        Assert.Equal("t", name);
    }

    [Fact]
    public void Write_FloatTensor_UsesOnnxLayout()
    {
        AiTensor tensor = AiTensor.Create<float>([1f, 2f], 2);
        byte[] expected = new ProtoBytes().Varint(Dims, 2).Varint(DataTypeField, Float).String(Name, "x")
            .Bytes(RawData, System.Runtime.InteropServices.MemoryMarshal.AsBytes<float>([1f, 2f])).ToArray();

        Assert.Equal(expected, OnnxTensorFile.Write(tensor, "x"));
    }

    [Fact]
    public void Write_StringTensorWithoutName_UsesStringData()
    {
        AiTensor tensor = AiTensor.CreateStrings(["a", "bc"], 2);
        byte[] expected = new ProtoBytes().Varint(Dims, 2).Varint(DataTypeField, OnnxString).String(StringData, "a").String(StringData, "bc").ToArray();

        Assert.Equal(expected, OnnxTensorFile.Write(tensor));
    }

    [Fact]
    public void WriteFile_ThenReadFile_RoundTrips()
    {
        string path = Path.Combine(Path.GetTempPath(), $"onnx-tensor-{Guid.NewGuid():N}.pb");
        try
        {
            AiTensor tensor = AiTensor.Create<long>([1, -2, 3], 3, 1);

            OnnxTensorFile.WriteFile(path, tensor, "input");
            AiTensor back = OnnxTensorFile.ReadFile(path, out string? name);

            Assert.True(back.ContentEquals(tensor));
            Assert.Equal("input", name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadFile_Missing_ThrowsNamingPath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.pb");

        var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.ReadFile(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_Invalid_ThrowsNamingPath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"invalid-{Guid.NewGuid():N}.pb");
        File.WriteAllBytes(path, new ProtoBytes().Varint(Dims, 1).ToArray());
        try
        {
            var ex = Assert.Throws<AiArgumentException>(() => OnnxTensorFile.ReadFile(path));

            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static AiTensor SampleTensor(DataType type) => type switch
    {
        DataType.Float => AiTensor.Create<float>([1.5f, float.NaN, -0f, float.NegativeInfinity, 1e-30f, 3f], 2, 3),
        DataType.Double => AiTensor.Create<double>([Math.E, double.NaN, -1e300, 0, 1, 2], 3, 2),
        DataType.Float16 => AiTensor.Create<Half>([(Half)1.5f, Half.NaN, Half.MaxValue, Half.Epsilon, (Half)0, (Half)(-2)], 6),
        DataType.BFloat16 => AiTensor.Create<RedisAI.BFloat16>([new(0x3FC0), new(0x7FC1), new(0x8000), new(0x0001), new(0xFF80), new(0)], 2, 1, 3),
        DataType.Int8 => AiTensor.Create<sbyte>([sbyte.MinValue, -1, 0, 1, 2, sbyte.MaxValue], 6),
        DataType.Int16 => AiTensor.Create<short>([short.MinValue, -1, 0, 1, 2, short.MaxValue], 6),
        DataType.Int32 => AiTensor.Create<int>([int.MinValue, -1, 0, 1, 2, int.MaxValue], 6),
        DataType.Int64 => AiTensor.Create<long>([long.MinValue, -1, 0, 1, 2, long.MaxValue], 6),
        DataType.UInt8 => AiTensor.Create<byte>([0, 1, 2, 127, 128, 255], 6),
        DataType.UInt16 => AiTensor.Create<ushort>([0, 1, 2, 32767, 32768, ushort.MaxValue], 6),
        DataType.UInt32 => AiTensor.Create<uint>([0, 1, 2, int.MaxValue, 1u << 31, uint.MaxValue], 6),
        DataType.UInt64 => AiTensor.Create<ulong>([0, 1, 2, long.MaxValue, 1ul << 63, ulong.MaxValue], 6),
        DataType.Bool => AiTensor.Create<bool>([true, false, true, true, false, false], 2, 3),
        DataType.String => AiTensor.CreateStrings(["", "a", "héllo", "日本", "x y", "z"], 3, 2),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static AiTensor ReadInt32Data(int onnxType, params long[] values) =>
        OnnxTensorFile.Read(new ProtoBytes().Varint(Dims, values.Length).Varint(DataTypeField, onnxType).PackedVarints(Int32Data, values).ToArray());
}
