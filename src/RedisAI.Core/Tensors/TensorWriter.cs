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
    private TensorBuffer? _data;
    private bool _completed;

    internal TensorWriter(DataType dataType, TensorShape shape, TensorBuffer data)
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
    public Span<byte> Bytes => Data.Span;

    /// <summary>The elements to fill.</summary>
    /// <exception cref="AiArgumentException"><typeparamref name="T"/> does not match the data type.</exception>
    public Span<T> GetSpan<T>() where T : unmanaged
    {
        if (DataTypes.GetClrType(DataType) != typeof(T))
        {
            throw new AiArgumentException($"tensor holds {DataTypes.GetName(DataType)}, not {typeof(T).Name}");
        }

        return MemoryMarshal.Cast<byte, T>(Data.Span);
    }

    /// <summary>
    /// Pins the buffer and returns its address, for native producers; the pointer is valid until the handle is
    /// disposed. The buffer starts on a 64-byte boundary when allocated, unless a garbage collection has since moved it.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called.</exception>
    public MemoryHandle Pin() => Data.Pin();

    /// <summary>Ends writing and returns the tensor, which owns the buffer from now on.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was already called.</exception>
    public AiTensor Complete()
    {
        TensorBuffer data = Data;
        if (DataType == DataType.Bool)
        {
            // Normalize so a producer writing non-0/1 bytes cannot create an invalid BOOL tensor.
            foreach (ref byte b in data.Span)
            {
                b = b != 0 ? (byte)1 : (byte)0;
            }
        }

        _completed = true;
        _data = null;
        return AiTensor.Adopt(DataType, Shape, data);
    }

    private TensorBuffer Data => _completed ? throw new InvalidOperationException("The tensor was already completed.") : _data!;
}
