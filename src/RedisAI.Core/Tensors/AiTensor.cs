using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace RedisAI;

/// <summary>
/// An immutable tensor: a data type, a shape and row-major little-endian data. This is the value the store
/// keeps under tensor keys and passes to and from models.
/// </summary>
/// <remarks>
/// <para>The data lives in a buffer owned by the tensor, aligned to 64 bytes whenever a backend pins it
/// (<see cref="Pin"/>), so backends run directly on it (no copy in), and <see cref="GetData{T}"/> reads it without
/// copying. Nothing can change it after creation, so a tensor
/// can be shared by any number of readers, keys and running models; it is freed when no longer referenced.</para>
/// <para>Thread-safe: every member may be called concurrently.</para>
/// <para>A tensor holds at most <see cref="Array.MaxLength"/> bytes of data.</para>
/// </remarks>
public sealed partial class AiTensor
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // Replaced at most once, by an aligned copy on the pinned heap, when Pin finds a collection moved the data.
    private TensorBuffer _data;

    // Start offset of each element in _data, for STRING tensors only; each element is followed by a NUL.
    private readonly int[]? _stringOffsets;

    private AiTensor(DataType dataType, TensorShape shape, TensorBuffer data, int[]? stringOffsets)
    {
        DataType = dataType;
        Shape = shape;
        _data = data;
        _stringOffsets = stringOffsets;
    }

    /// <summary>The element type.</summary>
    public DataType DataType { get; }

    /// <summary>The dimensions.</summary>
    public TensorShape Shape { get; }

    /// <summary>The number of elements (the product of the dimensions).</summary>
    public long ElementCount => Shape.ElementCount;

    /// <summary>
    /// The size of the data in bytes. For <see cref="DataType.String"/>, the UTF-8 bytes of every element plus
    /// one NUL each.
    /// </summary>
    public int ByteCount => _data.Length;

    /// <summary>Creates a tensor holding a copy of <paramref name="values"/> in the given shape.</summary>
    /// <typeparam name="T">An element type: <see cref="float"/>, <see cref="int"/>, <see cref="Half"/>, and so on (see <see cref="DataTypes.Of{T}"/>).</typeparam>
    /// <param name="values">The elements, row-major.</param>
    /// <param name="shape">The dimensions; none for a scalar.</param>
    /// <exception cref="AiArgumentException">The number of values does not match the shape, or the shape is invalid.</exception>
    public static AiTensor Create<T>(ReadOnlySpan<T> values, params ReadOnlySpan<long> shape) where T : unmanaged
    {
        DataType type = DataTypes.Of<T>();
        var tensorShape = new TensorShape(shape);
        if (values.Length != tensorShape.ElementCount)
        {
            throw new AiArgumentException(
                $"wrong number of values: {values.Length} given for a {DataTypes.GetName(type)} tensor of shape {tensorShape}, which holds {tensorShape.ElementCount}");
        }

        TensorBuffer data = AllocateData(type, tensorShape);
        MemoryMarshal.AsBytes(values).CopyTo(data.Span);
        return new AiTensor(type, tensorShape, data, null);
    }

    /// <summary>Creates a tensor holding a copy of <paramref name="values"/> as a one-dimensional tensor.</summary>
    /// <exception cref="AiArgumentException"><typeparamref name="T"/> is not an element type.</exception>
    [OverloadResolutionPriority(1)] // so Create([1, 2]) makes a [2] tensor, not a scalar with two values
    public static AiTensor Create<T>(T[] values) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        return Create<T>(values, values.Length);
    }

    /// <summary>Creates a scalar tensor (shape <c>[]</c>).</summary>
    public static AiTensor Scalar<T>(T value) where T : unmanaged => Create(new ReadOnlySpan<T>(in value));

    /// <summary>
    /// Creates a tensor from raw little-endian bytes (RedisAI's BLOB). For <see cref="DataType.String"/> the blob
    /// holds each element's UTF-8 bytes followed by a NUL.
    /// </summary>
    /// <exception cref="AiArgumentException">
    /// The byte count does not match shape × element size, a BOOL byte is not 0 or 1, or a STRING blob does not hold
    /// exactly one NUL-terminated element per tensor element.
    /// </exception>
    public static AiTensor FromBytes(DataType dataType, TensorShape shape, ReadOnlySpan<byte> data)
    {
        if (dataType == DataType.String)
        {
            return FromStringBlob(shape, data);
        }

        long expected = DataByteCount(dataType, shape);
        if (data.Length != expected)
        {
            throw new AiArgumentException(
                $"data length does not match tensor shape and type: {data.Length} bytes given, a {DataTypes.GetName(dataType)} tensor of shape {shape} needs {expected}");
        }

        if (dataType == DataType.Bool)
        {
            int bad = data.IndexOfAnyExcept((byte)0, (byte)1);
            if (bad >= 0)
            {
                throw new AiArgumentException($"BOOL tensor elements must be 0 or 1: byte {bad} is {data[bad]}");
            }
        }

        TensorBuffer buffer = AllocateData(dataType, shape);
        data.CopyTo(buffer.Span);
        return new AiTensor(dataType, shape, buffer, null);
    }

    /// <summary>Creates a zero-filled tensor (numbers 0, BOOL false, STRING empty strings).</summary>
    /// <exception cref="AiArgumentException">The shape is too large.</exception>
    public static AiTensor Zeros(DataType dataType, TensorShape shape)
    {
        if (dataType == DataType.String)
        {
            if (shape.ElementCount > Array.MaxLength)
            {
                throw new AiArgumentException($"a STRING tensor of shape {shape} has more elements than a tensor can hold ({Array.MaxLength})");
            }

            var empty = new string[shape.ElementCount];
            Array.Fill(empty, string.Empty);
            return CreateStrings(empty, shape.Dimensions);
        }

        TensorBuffer data = AllocateData(dataType, shape);
        data.Span.Clear();
        return new AiTensor(dataType, shape, data, null);
    }

    /// <summary>Creates a <see cref="DataType.String"/> tensor from strings, stored as UTF-8.</summary>
    /// <param name="values">The elements, row-major. A value may end with one NUL, which is dropped.</param>
    /// <param name="shape">The dimensions; none for a scalar.</param>
    /// <exception cref="AiArgumentException">The count does not match the shape, a value is null, or a value contains an inner NUL.</exception>
    public static AiTensor CreateStrings(ReadOnlySpan<string> values, params ReadOnlySpan<long> shape)
    {
        var tensorShape = new TensorShape(shape);
        if (values.Length != tensorShape.ElementCount)
        {
            throw new AiArgumentException(
                $"wrong number of values: {values.Length} strings given for a STRING tensor of shape {tensorShape}, which holds {tensorShape.ElementCount}");
        }

        long total = 0;
        for (int i = 0; i < values.Length; i++)
        {
            string? value = values[i] ?? throw new AiArgumentException($"string element {i} is null");
            int nul = value.IndexOf('\0', StringComparison.Ordinal);
            if (nul >= 0 && nul != value.Length - 1)
            {
                throw new AiArgumentException($"C-string value contains null character: string element {i} has a NUL at position {nul}");
            }

            total += Utf8.GetByteCount(value.AsSpan(0, nul >= 0 ? nul : value.Length)) + 1;
        }

        TensorBuffer data = TensorBuffer.Allocate(total);
        var offsets = new int[values.Length];
        int position = 0;
        for (int i = 0; i < values.Length; i++)
        {
            ReadOnlySpan<char> value = values[i].AsSpan().TrimEnd('\0');
            offsets[i] = position;
            position += Utf8.GetBytes(value, data.Span[position..]);
            data.Span[position++] = 0;
        }

        return new AiTensor(DataType.String, tensorShape, data, offsets);
    }

    /// <summary>Creates a one-dimensional <see cref="DataType.String"/> tensor.</summary>
    /// <exception cref="AiArgumentException">A value is null or contains an inner NUL.</exception>
    [OverloadResolutionPriority(1)] // so CreateStrings(["a", "b"]) makes a [2] tensor
    public static AiTensor CreateStrings(string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return CreateStrings(values, values.Length);
    }

    /// <summary>Creates a tensor holding a copy of a System.Numerics.Tensors span (any strides).</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an element type.</exception>
    public static AiTensor FromTensorSpan<T>(scoped in ReadOnlyTensorSpan<T> source) where T : unmanaged
    {
        DataType type = DataTypes.Of<T>();
        ReadOnlySpan<nint> lengths = source.Lengths;
        var dims = new long[lengths.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = lengths[i];
        }

        var shape = new TensorShape(dims);
        TensorBuffer data = AllocateData(type, shape);
        source.FlattenTo(MemoryMarshal.Cast<byte, T>(data.Span));
        return new AiTensor(type, shape, data, null);
    }

    /// <summary>Creates a tensor holding a copy of a System.Numerics.Tensors tensor.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an element type.</exception>
    public static AiTensor FromTensor<T>(Tensor<T> source) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(source);
        return FromTensorSpan<T>(source.AsReadOnlyTensorSpan());
    }

    /// <summary>
    /// Allocates an uninitialized tensor to be filled in place, for producers (backends, parsers) that would
    /// otherwise fill a temporary buffer and copy it.
    /// </summary>
    /// <exception cref="AiArgumentException">The type is <see cref="DataType.String"/> or the shape is too large.</exception>
    public static TensorWriter Allocate(DataType dataType, TensorShape shape)
    {
        if (dataType == DataType.String)
        {
            throw new AiArgumentException("STRING tensors cannot be allocated uninitialized; use CreateStrings or FromBytes");
        }

        return new TensorWriter(dataType, shape, AllocateData(dataType, shape));
    }

    /// <summary>The elements, read in place without copying.</summary>
    /// <typeparam name="T">The element type matching <see cref="DataType"/> (for example <see cref="float"/> for FLOAT).</typeparam>
    /// <exception cref="AiArgumentException"><typeparamref name="T"/> does not match the tensor's data type.</exception>
    public ReadOnlySpan<T> GetData<T>() where T : unmanaged
    {
        EnsureElementType<T>();
        return MemoryMarshal.Cast<byte, T>(_data.Span);
    }

    /// <summary>The raw little-endian bytes, read in place (RedisAI's BLOB format, NUL-separated for STRING).</summary>
    public ReadOnlySpan<byte> GetBytes() => _data.Span;

    /// <summary>The raw bytes as memory, for APIs that need to hold on to them (streams, async writers).</summary>
    public ReadOnlyMemory<byte> GetMemory() => _data.Memory;

    /// <summary>A System.Numerics.Tensors view over the elements, without copying.</summary>
    /// <exception cref="AiArgumentException"><typeparamref name="T"/> does not match the tensor's data type.</exception>
    public ReadOnlyTensorSpan<T> AsTensorSpan<T>() where T : unmanaged
    {
        ReadOnlySpan<T> data = GetData<T>();
        return new ReadOnlyTensorSpan<T>(data, ToLengths(), []);
    }

    /// <summary>Copies the elements into a new System.Numerics.Tensors tensor.</summary>
    /// <exception cref="AiArgumentException"><typeparamref name="T"/> does not match the tensor's data type.</exception>
    public Tensor<T> ToTensor<T>() where T : unmanaged => Tensor.Create(GetData<T>().ToArray(), ToLengths());

    /// <summary>The UTF-8 bytes of string element <paramref name="index"/> (row-major), without the NUL, read in place.</summary>
    /// <exception cref="AiArgumentException">The tensor is not a STRING tensor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the tensor.</exception>
    public ReadOnlySpan<byte> GetStringUtf8(long index)
    {
        int[] offsets = _stringOffsets ?? throw new AiArgumentException($"tensor holds {DataTypes.GetName(DataType)}, not STRING");
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, offsets.Length);
        int start = offsets[index];
        int end = index + 1 < offsets.Length ? offsets[index + 1] : _data.Length;
        return _data.Span.Slice(start, end - start - 1);
    }

    /// <summary>String element <paramref name="index"/> (row-major).</summary>
    /// <exception cref="AiArgumentException">The tensor is not a STRING tensor.</exception>
    public string GetString(long index) => Utf8.GetString(GetStringUtf8(index));

    /// <summary>All string elements, row-major.</summary>
    /// <exception cref="AiArgumentException">The tensor is not a STRING tensor.</exception>
    public string[] GetStrings()
    {
        var result = new string[_stringOffsets?.Length ?? throw new AiArgumentException($"tensor holds {DataTypes.GetName(DataType)}, not STRING")];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = GetString(i);
        }

        return result;
    }

    /// <summary>
    /// Pins the data and returns its address, for native backends that run on it in place; the pointer is valid until
    /// the handle is disposed. The address is 64-byte aligned, as native runtimes align their own buffers, so results
    /// do not depend on where the data happens to be. Never write through the pointer.
    /// </summary>
    /// <remarks>
    /// Tensor data starts aligned. When a garbage collection has moved a tensor off its boundary (a small tensor that
    /// outlived a collection), this first copies the data, once, to the pinned object heap, where it stays aligned for
    /// the rest of the tensor's life. Readers see the same bytes throughout.
    /// </remarks>
    public unsafe MemoryHandle Pin()
    {
        TensorBuffer data = Volatile.Read(ref _data);
        MemoryHandle pin = data.Pin();
        if (TensorBuffer.IsAligned(pin.Pointer))
        {
            return pin;
        }

        pin.Dispose();
        TensorBuffer moved = TensorBuffer.AllocatePinned(data.Length);
        data.Span.CopyTo(moved.Span);
        TensorBuffer winner = Interlocked.CompareExchange(ref _data, moved, data);
        return (winner == data ? moved : winner).Pin();
    }

    /// <summary>Whether <paramref name="other"/> has the same data type, shape and bytes.</summary>
    public bool ContentEquals(AiTensor? other) =>
        other is not null && other.DataType == DataType && other.Shape == Shape && other.GetBytes().SequenceEqual(GetBytes());

    /// <summary>Formats as <c>FLOAT [2, 2]</c>.</summary>
    public override string ToString() => $"{DataTypes.GetName(DataType)} {Shape}";

    internal static AiTensor Adopt(DataType dataType, TensorShape shape, TensorBuffer data) => new(dataType, shape, data, null);

    private static AiTensor FromStringBlob(TensorShape shape, ReadOnlySpan<byte> data)
    {
        long count = shape.ElementCount;
        int nuls = data.Count((byte)0);
        if (nuls != count || (count > 0 && data[^1] != 0) || (count == 0 && data.Length != 0))
        {
            throw new AiArgumentException(
                $"Number of string elements in data blob does not match tensor length: the blob holds {nuls} NUL-terminated strings{(data.Length > 0 && data[^1] != 0 ? " and trailing bytes" : string.Empty)}, shape {shape} needs {count}");
        }

        TensorBuffer buffer = TensorBuffer.Allocate(data.Length);
        data.CopyTo(buffer.Span);
        var offsets = new int[count];
        int position = 0;
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = position;
            position += buffer.Span[position..].IndexOf((byte)0) + 1;
        }

        return new AiTensor(DataType.String, shape, buffer, offsets);
    }

    internal static TensorBuffer AllocateData(DataType dataType, TensorShape shape) => TensorBuffer.Allocate(DataByteCount(dataType, shape));

    private static long DataByteCount(DataType dataType, TensorShape shape)
    {
        try
        {
            return checked(shape.ElementCount * DataTypes.GetElementSize(dataType));
        }
        catch (OverflowException)
        {
            throw new AiArgumentException($"a {DataTypes.GetName(dataType)} tensor of shape {shape} is larger than a tensor can hold ({Array.MaxLength} bytes)");
        }
    }

    private void EnsureElementType<T>() where T : unmanaged
    {
        if (DataTypes.GetClrType(DataType) != typeof(T))
        {
            throw new AiArgumentException(
                $"tensor holds {DataTypes.GetName(DataType)}; reading it as {typeof(T).Name} needs {(DataTypes.TryOf<T>(out var wanted) ? DataTypes.GetName(wanted.Value) : "a tensor element type")}");
        }
    }

    private nint[] ToLengths()
    {
        var lengths = new nint[Shape.Rank];
        for (int i = 0; i < lengths.Length; i++)
        {
            lengths[i] = checked((nint)Shape[i]);
        }

        return lengths;
    }
}
