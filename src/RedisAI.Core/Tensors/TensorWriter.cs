using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RedisAI;

/// <summary>
/// An uninitialized tensor being filled in place (see <see cref="AiTensor.Allocate"/>). Write the data through
/// <see cref="Bytes"/>, <see cref="GetSpan{T}"/> or <see cref="Pin"/>, then call <see cref="Complete"/> to get
/// the immutable tensor; the writer is unusable afterwards.
/// </summary>
/// <remarks>Not thread-safe: one producer fills it.</remarks>
public sealed class TensorWriter
{
    private byte[]? _data;

    internal TensorWriter(DataType dataType, TensorShape shape, byte[] data)
    {
        DataType = dataType;
        Shape = shape;
        _data = data;
    }

    /// <summary>The element type.</summary>
    public DataType DataType { get; }

    /// <summary>The dimensions.</summary>
    public TensorShape Shape { get; }

    /// <summary>The bytes to fill (contents start undefined).</summary>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called.</exception>
    public Span<byte> Bytes => Data;

    /// <summary>The elements to fill.</summary>
    /// <exception cref="AiArgumentException"><typeparamref name="T"/> does not match the data type.</exception>
    public Span<T> GetSpan<T>() where T : unmanaged
    {
        if (DataTypes.GetClrType(DataType) != typeof(T))
        {
            throw new AiArgumentException($"tensor holds {DataTypes.GetName(DataType)}, not {typeof(T).Name}");
        }

        return MemoryMarshal.Cast<byte, T>(Data.AsSpan());
    }

    /// <summary>The address of the buffer, for native producers. The buffer is pinned for its whole life.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called.</exception>
    public unsafe MemoryHandle Pin() => new(Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Data)));

    /// <summary>Ends writing and returns the tensor, which owns the buffer from now on.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was already called.</exception>
    public AiTensor Complete()
    {
        byte[] data = Data;
        if (DataType == DataType.Bool)
        {
            // Normalize so a producer writing non-0/1 bytes cannot create an invalid BOOL tensor.
            foreach (ref byte b in data.AsSpan())
            {
                b = b != 0 ? (byte)1 : (byte)0;
            }
        }

        _data = null;
        return AiTensor.Adopt(DataType, Shape, data);
    }

    private byte[] Data => _data ?? throw new InvalidOperationException("The tensor was already completed.");
}
