using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RedisAI;

/// <summary>
/// A tensor's bytes: a slice of a pinned array that starts on a 64-byte boundary, as native runtimes allocate
/// their own buffers. Alignment matters beyond speed: some ONNX Runtime reductions sum in a different order (and
/// so round differently) when their input is not aligned, and the store must give the same results as a raw session.
/// The array lives on the pinned object heap, so the address never changes and spans keep it alive.
/// </summary>
internal readonly struct TensorBuffer
{
    public const int Alignment = 64;

    private readonly byte[] _array;
    private readonly int _offset;

    private TensorBuffer(byte[] array, int offset, int length)
    {
        _array = array;
        _offset = offset;
        Length = length;
    }

    public int Length { get; }

    public Span<byte> Span => new(_array, _offset, Length);

    public ReadOnlyMemory<byte> Memory => new(_array, _offset, Length);

    public unsafe void* Pointer => Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _offset));

    /// <exception cref="AiArgumentException">More bytes than a tensor can hold.</exception>
    public static unsafe TensorBuffer Allocate(long bytes)
    {
        if (bytes > Array.MaxLength - Alignment)
        {
            throw new AiArgumentException($"tensor data of {bytes} bytes is larger than a tensor can hold ({Array.MaxLength - Alignment} bytes)");
        }

        byte[] array = GC.AllocateUninitializedArray<byte>((int)bytes + Alignment - 1, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        int offset = (int)((Alignment - (address % Alignment)) % Alignment);
        return new TensorBuffer(array, offset, (int)bytes);
    }
}
