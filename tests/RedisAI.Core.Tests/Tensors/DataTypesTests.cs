namespace RedisAI.Tests.Tensors;

public class DataTypesTests
{
    [Theory]
    [InlineData("FLOAT", DataType.Float)]
    [InlineData("float", DataType.Float)]
    [InlineData("Int32", DataType.Int32)]
    [InlineData("uint8", DataType.UInt8)]
    [InlineData("BOOL", DataType.Bool)]
    [InlineData("string", DataType.String)]
    [InlineData("BFLOAT16", DataType.BFloat16)]
    public void TryParse_RedisAiNames_CaseInsensitive(string name, DataType expected)
    {
        Assert.True(DataTypes.TryParse(name, out var type));
        Assert.Equal(expected, type);
    }

    [Theory]
    [InlineData("INT128")]
    [InlineData("INT032")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnknownName_Fails(string? name)
    {
        Assert.False(DataTypes.TryParse(name, out _));
    }

    [Fact]
    public void Parse_UnknownName_ThrowsListingValidNames()
    {
        var ex = Assert.Throws<AiArgumentException>(() => DataTypes.Parse("INT128"));
        Assert.Contains("invalid data type", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FLOAT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_EveryType_HasConsistentSizeNameAndClrType()
    {
        foreach (DataType type in DataTypes.All)
        {
            Assert.True(DataTypes.TryParse(DataTypes.GetName(type), out var parsed));
            Assert.Equal(type, parsed);
            Type? clr = DataTypes.GetClrType(type);
            if (type == DataType.String)
            {
                Assert.Null(clr);
                Assert.Equal(0, DataTypes.GetElementSize(type));
            }
            else
            {
                Assert.NotNull(clr);
                Assert.Equal(System.Runtime.InteropServices.Marshal.SizeOf(clr == typeof(bool) ? typeof(byte) : clr), DataTypes.GetElementSize(type));
            }
        }
    }
}
