using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests;

public sealed class DataTypeRoundTripTests : IDisposable
{
    private readonly AiStore _store = Onnx.CreateStore();

    public void Dispose() => _store.Dispose();

    public static TheoryData<DataType> AllTypes() => [.. DataTypes.All];

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void IdentityModel_EveryDataType_ReturnsTheInputUnchanged(DataType type)
    {
        _store.StoreModel("id", TestModels.Identity(ToOnnx(type)), Onnx.Options);
        AiTensor input = Sample(type);
        _store.SetTensor("x", input);

        _store.ExecuteModel("id", ["x"], ["y"]);

        AiTensor output = _store.GetTensor("y");
        Assert.Equal(type, output.DataType);
        Assert.Equal(input.Shape, output.Shape);
        Assert.Equal(input.GetBytes().ToArray(), output.GetBytes().ToArray());
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void IdentityModel_EveryDataTypeWithEmptyDimension_ReturnsEmptyTensor(DataType type)
    {
        _store.StoreModel("id", TestModels.Identity(ToOnnx(type)), Onnx.Options);
        var empty = AiTensor.Zeros(type, new TensorShape(0, 3));

        AiTensor[] outputs = _store.RunModel("id", [empty]);

        Assert.True(outputs[0].ContentEquals(empty));
    }

    private static AiTensor Sample(DataType type)
    {
        var shape = new TensorShape(2, 3);
        if (type == DataType.String)
        {
            return AiTensor.CreateStrings(["a", "", "héllo", "日本", "x y", "last"], 2, 3);
        }

        if (type == DataType.Bool)
        {
            return AiTensor.FromBytes(type, shape, [1, 0, 0, 1, 1, 0]);
        }

        // Distinct, non-trivial bytes for every element (valid bit patterns for every numeric type).
        var bytes = new byte[6 * DataTypes.GetElementSize(type)];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((i * 37 + 11) & 0x3F);
        }

        return AiTensor.FromBytes(type, shape, bytes);
    }

    private static OnnxElementType ToOnnx(DataType type) => type switch
    {
        DataType.Float => OnnxElementType.Float,
        DataType.Double => OnnxElementType.Double,
        DataType.Int8 => OnnxElementType.Int8,
        DataType.Int16 => OnnxElementType.Int16,
        DataType.Int32 => OnnxElementType.Int32,
        DataType.Int64 => OnnxElementType.Int64,
        DataType.UInt8 => OnnxElementType.UInt8,
        DataType.UInt16 => OnnxElementType.UInt16,
        DataType.UInt32 => OnnxElementType.UInt32,
        DataType.UInt64 => OnnxElementType.UInt64,
        DataType.Bool => OnnxElementType.Bool,
        DataType.String => OnnxElementType.String,
        DataType.Float16 => OnnxElementType.Float16,
        DataType.BFloat16 => OnnxElementType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
