namespace RedisAI.Tests.Tensors;

public sealed class TensorLimitTests
{
    [Fact]
    public void FromBytes_ByteCountOverflowsLong_ThrowsInvalidArgumentNamingShape()
    {
        var error = Assert.Throws<AiArgumentException>(() => AiTensor.FromBytes(DataType.Float, new TensorShape(1L << 31, 1L << 31), new byte[4]));

        Assert.Equal(AiErrorCode.InvalidArgument, error.Code);
        Assert.Contains("[2147483648, 2147483648]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zeros_StringShapeBeyondArrayLimit_ThrowsInvalidArgumentNamingShape()
    {
        var error = Assert.Throws<AiArgumentException>(() => AiTensor.Zeros(DataType.String, new TensorShape(1L << 40)));

        Assert.Equal(AiErrorCode.InvalidArgument, error.Code);
        Assert.Contains("[1099511627776]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomExtremeShapes_OnlyAiStoreExceptionsEscape()
    {
        var random = new Random(14);
        DataType[] types = [DataType.Float, DataType.Double, DataType.Int8, DataType.Bool, DataType.String];
        for (int i = 0; i < 300; i++)
        {
            int rank = random.Next(1, 5);
            var dims = new long[rank];
            for (int d = 0; d < rank; d++)
            {
                dims[d] = random.Next(3) == 0 ? random.NextInt64(0, 4) : 1L << random.Next(20, 63);
            }

            var type = types[random.Next(types.Length)];
            try
            {
                var shape = new TensorShape(dims);
                if (shape.ElementCount > 8)
                {
                    Assert.Throws<AiArgumentException>(() => AiTensor.FromBytes(type, shape, new byte[8]));
                }

                if (shape.ElementCount > Array.MaxLength)
                {
                    Assert.Throws<AiArgumentException>(() => AiTensor.Zeros(type, shape));
                }
            }
            catch (AiArgumentException error)
            {
                Assert.Equal(AiErrorCode.InvalidArgument, error.Code);
            }
        }
    }
}
