using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace RedisAI.Tests.Tensors;

public class AiTensorTests
{
    [Fact]
    public void Create_EveryFixedSizeType_RoundTripsValuesAndBytes()
    {
        AssertRoundTrip(new[] { 1.5f, -2f, float.NaN, float.PositiveInfinity }, DataType.Float);
        AssertRoundTrip(new[] { 1.1, -0.090524077415466309, double.MaxValue, 0 }, DataType.Double);
        AssertRoundTrip(new sbyte[] { -1, -128, 127, 0 }, DataType.Int8);
        AssertRoundTrip(new short[] { -1, short.MinValue, short.MaxValue, 7 }, DataType.Int16);
        AssertRoundTrip(new[] { -1, int.MinValue, int.MaxValue, 7 }, DataType.Int32);
        AssertRoundTrip(new[] { -1L, long.MinValue, long.MaxValue, 7 }, DataType.Int64);
        AssertRoundTrip(new byte[] { 0, 1, 254, 255 }, DataType.UInt8);
        AssertRoundTrip(new ushort[] { 0, 1, 65534, 65535 }, DataType.UInt16);
        AssertRoundTrip(new uint[] { 0, 1, uint.MaxValue, 9 }, DataType.UInt32);
        AssertRoundTrip(new ulong[] { 0, 1, ulong.MaxValue, 9 }, DataType.UInt64);
        AssertRoundTrip(new[] { true, false, true, true }, DataType.Bool);
        AssertRoundTrip(new[] { (Half)1.5, (Half)(-2), Half.MaxValue, Half.Epsilon }, DataType.Float16);
        AssertRoundTrip(new[] { (BFloat16)1.5f, (BFloat16)(-2f), (BFloat16)3e38f, (BFloat16)0f }, DataType.BFloat16);
    }

    [Fact]
    public void Create_EveryDataType_IsCovered()
    {
        // Guards the round-trip test above: a new DataType must get a case there.
        Assert.Equal(14, DataTypes.All.Count);
    }

    [Fact]
    public void FromBytes_SameBytesAsGetBytes_GivesEqualTensor()
    {
        var original = AiTensor.Create(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3);

        var copy = AiTensor.FromBytes(DataType.Float, original.Shape, original.GetBytes());

        Assert.True(copy.ContentEquals(original));
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, copy.GetData<float>().ToArray());
    }

    [Fact]
    public void FromBytes_WrongLength_ThrowsWithBothCounts()
    {
        // RedisAI C13: FLOAT [1,1,28,280] needs 31360 bytes.
        var ex = Assert.Throws<AiArgumentException>(() => AiTensor.FromBytes(DataType.Float, new TensorShape(1, 1, 28, 280), new byte[3136]));

        Assert.Contains("data length does not match tensor shape and type", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3136", ex.Message, StringComparison.Ordinal);
        Assert.Contains("31360", ex.Message, StringComparison.Ordinal);
        Assert.Equal(AiErrorCode.InvalidArgument, ex.Code);
    }

    [Theory]
    [InlineData(new byte[] { 2, 1 })]
    [InlineData(new byte[] { 1, 2 })] // RedisAI does not check the last byte; we do.
    public void FromBytes_BoolNotZeroOrOne_Throws(byte[] blob)
    {
        var ex = Assert.Throws<AiArgumentException>(() => AiTensor.FromBytes(DataType.Bool, new TensorShape(2), blob));
        Assert.Contains("BOOL tensor elements must be 0 or 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateStrings_ValuesAndBlob_MatchRedisAiLayout()
    {
        // RedisAI C05: a trailing NUL on a value is dropped.
        var tensor = AiTensor.CreateStrings(["str_val1", "str_val2\0"], 2);

        Assert.Equal(new[] { "str_val1", "str_val2" }, tensor.GetStrings());
        Assert.Equal("str_val1\0str_val2\0"u8.ToArray(), tensor.GetBytes().ToArray());
        Assert.Equal(DataType.String, tensor.DataType);
    }

    [Fact]
    public void FromBytes_StringBlob_RoundTripsNonAsciiByteExact()
    {
        byte[] blob = Encoding.UTF8.GetBytes("str11\0héllo\0日本\0\0");

        var tensor = AiTensor.FromBytes(DataType.String, new TensorShape(2, 2), blob);

        Assert.Equal(new[] { "str11", "héllo", "日本", string.Empty }, tensor.GetStrings());
        Assert.Equal(blob, tensor.GetBytes().ToArray());
        Assert.Equal(Encoding.UTF8.GetBytes("日本"), tensor.GetStringUtf8(2).ToArray());
    }

    [Theory]
    [InlineData("single c-string\0")]
    [InlineData("one\0two\0three\0")]
    [InlineData("C-string\0followed by a non C-string")]
    public void FromBytes_StringBlobWithWrongElementCount_Throws(string blob)
    {
        var ex = Assert.Throws<AiArgumentException>(() => AiTensor.FromBytes(DataType.String, new TensorShape(2), Encoding.UTF8.GetBytes(blob)));
        Assert.Contains("Number of string elements in data blob does not match tensor length", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateStrings_InnerNul_Throws()
    {
        var ex = Assert.Throws<AiArgumentException>(() => AiTensor.CreateStrings(["valid C-string", "invalid\0C-string"], 2));
        Assert.Contains("C-string value contains null character", ex.Message, StringComparison.Ordinal);
        Assert.Contains("element 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zeros_EveryType_IsZeroFilled()
    {
        foreach (DataType type in DataTypes.All)
        {
            var tensor = AiTensor.Zeros(type, new TensorShape(2));
            if (type == DataType.String)
            {
                Assert.Equal(new[] { string.Empty, string.Empty }, tensor.GetStrings());
            }
            else
            {
                Assert.Equal(2 * DataTypes.GetElementSize(type), tensor.ByteCount);
                Assert.True(tensor.GetBytes().IndexOfAnyExcept((byte)0) < 0, $"{type} is not zero-filled");
            }
        }
    }

    [Fact]
    public void Create_ScalarShape_HoldsOneElement()
    {
        var scalar = AiTensor.Scalar(5f);

        Assert.Equal(0, scalar.Shape.Rank);
        Assert.Equal(1, scalar.ElementCount);
        Assert.Equal(5f, scalar.GetData<float>()[0]);
        Assert.Equal("FLOAT []", scalar.ToString());
    }

    [Fact]
    public void Create_ZeroSizedDimension_IsEmpty()
    {
        var empty = AiTensor.Create(ReadOnlySpan<float>.Empty, 0, 3);
        var emptyStrings = AiTensor.FromBytes(DataType.String, new TensorShape(3, 0), []);

        Assert.Equal(0, empty.ElementCount);
        Assert.Equal(0, empty.ByteCount);
        Assert.Equal(new long[] { 0, 3 }, empty.Shape.Dimensions.ToArray());
        Assert.Empty(emptyStrings.GetStrings());
    }

    [Fact]
    public void Create_CollectionExpressionWithoutShape_IsOneDimensional()
    {
        Assert.Equal(new TensorShape(3), AiTensor.Create<float>([1, 2, 3]).Shape);
        Assert.Equal(new TensorShape(2), AiTensor.CreateStrings(["a", "b"]).Shape);
    }

    [Fact]
    public void ConcatenateRowsAndSliceRows_RoundTripNumbersAndStrings()
    {
        var a = AiTensor.Create<int>([1, 2, 3, 4], 2, 2);
        var b = AiTensor.Create<int>([5, 6], 1, 2);
        var s1 = AiTensor.CreateStrings(["x", "yy"], 1, 2);
        var s2 = AiTensor.CreateStrings(["", "日本", "z", "w"], 2, 2);

        var joined = AiTensor.ConcatenateRows([a, b]);
        var strings = AiTensor.ConcatenateRows([s1, s2]);

        Assert.Equal(new TensorShape(3, 2), joined.Shape);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, joined.GetData<int>().ToArray());
        Assert.True(joined.SliceRows(2, 1).ContentEquals(b));
        Assert.Equal(new[] { "x", "yy", "", "日本", "z", "w" }, strings.GetStrings());
        Assert.True(strings.SliceRows(1, 2).ContentEquals(s2));
        Assert.Throws<AiArgumentException>(() => AiTensor.ConcatenateRows([a, AiTensor.Create<int>([1, 2, 3], 1, 3)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.SliceRows(1, 2));
    }

    [Fact]
    public void Create_WrongValueCount_Throws()
    {
        var ex = Assert.Throws<AiArgumentException>(() => AiTensor.Create(new[] { 1f }, 2));
        Assert.Contains("wrong number of values", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TensorShape_NegativeDimension_Throws()
    {
        var ex = Assert.Throws<AiArgumentException>(() => new TensorShape(2, -1));
        Assert.Contains("invalid or negative value found in tensor shape", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_ShapeLargerThanATensorCanHold_ThrowsBeforeAllocating()
    {
        // RedisAI #294: a typo read as a huge dimension must not allocate.
        Assert.Throws<AiArgumentException>(() => AiTensor.Allocate(DataType.Double, new TensorShape(1L << 40)));
        Assert.Throws<AiArgumentException>(() => new TensorShape(long.MaxValue, 3));
    }

    [Fact]
    public void GetData_WrongElementType_Throws()
    {
        var tensor = AiTensor.Create(new[] { 1, 2 });

        var ex = Assert.Throws<AiArgumentException>(() => tensor.GetData<float>().Length);
        Assert.Contains("INT32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FLOAT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetData_ReadsInPlace_WithoutCopying()
    {
        var tensor = AiTensor.Create(new[] { 1f, 2f, 3f });

        // Pinned first: Pin may move data a collection left unaligned, and nothing moves it while pinned.
        using var pin = tensor.Pin();
        ref readonly byte first = ref MemoryMarshal.GetReference(tensor.GetBytes());
        ref readonly float again = ref MemoryMarshal.GetReference(tensor.GetData<float>());

        Assert.True(Unsafe.AreSame(ref Unsafe.AsRef(in first), ref Unsafe.As<float, byte>(ref Unsafe.AsRef(in again))));
        unsafe
        {
            Assert.True(pin.Pointer == Unsafe.AsPointer(ref Unsafe.AsRef(in first)));
        }
    }

    [Fact]
    public unsafe void Data_StartsOn64ByteBoundary_LikeNativeRuntimeBuffers()
    {
        foreach (int length in new[] { 0, 1, 3, 17, 1000 })
        {
            var tensor = AiTensor.Create(new byte[length]);
            using var pin = tensor.Pin();

            Assert.Equal(0, (long)pin.Pointer % 64);
        }
    }

    [Fact]
    public unsafe void Pin_AfterCollectionsMovedTheData_MovesItOnceToAnAlignedHome_WithTheSameBytes()
    {
        // Spacers between the tensors make a compacting collection slide each by a different amount.
        var tensors = new List<AiTensor>();
        var spacers = new List<byte[]>();
        for (int i = 0; i < 32; i++)
        {
            spacers.Add(new byte[8 * (i + 1)]);
            tensors.Add(AiTensor.Create(new[] { i, i + 1f, i + 2f }));
        }

        spacers.Clear();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        int moved = 0;
        foreach (AiTensor tensor in tensors)
        {
            byte[] before = ArrayOf(tensor);
            ReadOnlySpan<float> oldView = tensor.GetData<float>();
            using (var pin = tensor.Pin())
            {
                Assert.Equal(0, (long)pin.Pointer % 64);
            }

            byte[] after = ArrayOf(tensor);
            if (!ReferenceEquals(before, after))
            {
                moved++;
                using var again = tensor.Pin();
                Assert.Same(after, ArrayOf(tensor));
            }

            Assert.Equal(oldView.ToArray(), tensor.GetData<float>().ToArray());
        }

        // Not every slide lands off the boundary, but across 32 different ones some must.
        Assert.InRange(moved, 1, tensors.Count);

        static byte[] ArrayOf(AiTensor tensor) => MemoryMarshal.TryGetArray(tensor.GetMemory(), out var segment) ? segment.Array! : throw new InvalidOperationException();
    }

    [Fact]
    public void TensorInterop_ToAndFromSystemNumericsTensors_RoundTrips()
    {
        var tensor = AiTensor.Create(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3);

        Tensor<float> numerics = tensor.ToTensor<float>();
        ReadOnlyTensorSpan<float> view = tensor.AsTensorSpan<float>();
        var back = AiTensor.FromTensor(numerics);

        Assert.Equal(new nint[] { 2, 3 }, numerics.Lengths.ToArray());
        Assert.Equal(6f, view[1, 2]);
        Assert.True(back.ContentEquals(tensor));
    }

    [Fact]
    public void FromTensorSpan_StridedView_CopiesLogicalOrder()
    {
        // A transposed (non-contiguous) view must be copied in its logical row-major order.
        Tensor<float> source = Tensor.Create(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, [2, 3]);
        Tensor<float> transposed = Tensor.PermuteDimensions(source, [1, 0]);

        var tensor = AiTensor.FromTensor(transposed);

        Assert.Equal(new long[] { 3, 2 }, tensor.Shape.Dimensions.ToArray());
        Assert.Equal(new[] { 1f, 4f, 2f, 5f, 3f, 6f }, tensor.GetData<float>().ToArray());
    }

    [Fact]
    public void TensorWriter_AfterComplete_CannotWrite()
    {
        TensorWriter writer = AiTensor.Allocate(DataType.Int32, new TensorShape(2));
        writer.GetSpan<int>()[0] = 7;
        writer.GetSpan<int>()[1] = 8;

        var tensor = writer.Complete();

        Assert.Equal(new[] { 7, 8 }, tensor.GetData<int>().ToArray());
        Assert.Throws<InvalidOperationException>(() => writer.Bytes.Length);
        Assert.Throws<InvalidOperationException>(() => writer.Complete());
    }

    [Fact]
    public void BFloat16_Conversion_RoundsToNearestEven()
    {
        Assert.Equal(1.5f, (float)(BFloat16)1.5f);
        Assert.Equal((ushort)0x3F80, ((BFloat16)1f).Bits);
        Assert.True(float.IsNaN((BFloat16)float.NaN));
        Assert.Equal(1.0078125f, (float)(BFloat16)1.0078125f); // exactly representable
        Assert.Equal(1f, (float)(BFloat16)1.00390625f);         // a tie rounds to even
    }

    private static void AssertRoundTrip<T>(T[] values, DataType expected) where T : unmanaged
    {
        var tensor = AiTensor.Create<T>(values, 2, 2);
        var fromBytes = AiTensor.FromBytes(expected, new TensorShape(2, 2), tensor.GetBytes());

        Assert.Equal(expected, tensor.DataType);
        Assert.Equal(values, tensor.GetData<T>().ToArray());
        Assert.Equal(values.Length * Unsafe.SizeOf<T>(), tensor.ByteCount);
        Assert.True(fromBytes.ContentEquals(tensor));
    }
}
