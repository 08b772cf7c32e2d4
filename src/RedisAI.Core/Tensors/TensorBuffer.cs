using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RedisAI;

/// <summary>
/// A tensor's bytes: a slice of a managed array that starts on a 64-byte boundary when allocated, as native runtimes
/// align their own buffers. Alignment matters beyond speed: some ONNX Runtime kernels sum in a different order (and
/// so round differently) when their data is not aligned, and the store must give the same results as a raw session.
/// Spans keep the array alive. Written only through a <see cref="TensorWriter"/>, before the tensor exists.
/// </summary>
/// <remarks>
/// The array is not allocated pinned: small pinned-heap allocations are slow and every few megabytes of them force
/// a full (gen2) collection, which a store allocating an output per call cannot afford. A small tensor lives on the
/// ordinary heap, where a collection can move it off the boundary; large ones (85,000 bytes and up) land on the large
/// object heap, which is not compacted by default. <see cref="AiTensor.Pin"/> moves data found off the boundary,
/// once, to a buffer from <see cref="AllocatePinned"/>.
/// </remarks>
internal sealed class TensorBuffer
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

    /// <summary>Pins the array until the handle is disposed; the handle's pointer is the first byte.</summary>
    public MemoryHandle Pin() => Memory.Pin();

    /// <summary>A buffer on the ordinary heap (the large object heap when big), aligned as allocated.</summary>
    /// <exception cref="AiArgumentException">More bytes than a tensor can hold.</exception>
    public static TensorBuffer Allocate(long bytes) => Allocate(bytes, pinned: false);

    /// <summary>A buffer on the pinned object heap: aligned for good. For long-lived data only (see remarks).</summary>
    public static TensorBuffer AllocatePinned(long bytes) => Allocate(bytes, pinned: true);

    public static unsafe bool IsAligned(void* address) => (nint)address % Alignment == 0;

    private static unsafe TensorBuffer Allocate(long bytes, bool pinned)
    {
        if (bytes > Array.MaxLength - Alignment)
        {
            throw new AiArgumentException($"tensor data of {bytes} bytes is larger than a tensor can hold ({Array.MaxLength - Alignment} bytes)");
        }

        byte[] array = GC.AllocateUninitializedArray<byte>((int)bytes + Alignment - 1, pinned);

        // Unpinned, a collection right now would only cost the alignment, which Pin checks.
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        int offset = (int)((Alignment - (address % Alignment)) % Alignment);
        return new TensorBuffer(array, offset, (int)bytes);
    }
}
