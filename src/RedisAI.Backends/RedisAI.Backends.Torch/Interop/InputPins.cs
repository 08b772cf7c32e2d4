using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RedisAI.Backends.Torch;

/// <summary>
/// Keeps the store buffers that libtorch tensors borrow (<see cref="TorchNative.FromBuffer"/>) alive until libtorch
/// frees their storage and calls <see cref="OnStorageFreed"/>. The buffers are already pinned (AiTensor allocates them on
/// the pinned heap); this only stops the GC from collecting one a module kept a reference to. Counted per address,
/// because the same tensor can be an input of many concurrent runs.
/// </summary>
internal static unsafe class InputPins
{
    private static readonly Lock Sync = new();
    private static readonly Dictionary<nint, Entry> Live = [];

    /// <summary>Buffers currently lent to libtorch (tests use it to prove nothing leaks).</summary>
    public static int Count
    {
        get
        {
            lock (Sync)
            {
                return Live.Count;
            }
        }
    }

    public static void Add(nint address, byte[] buffer)
    {
        lock (Sync)
        {
            ref Entry entry = ref CollectionsMarshal.GetValueRefOrAddDefault(Live, address, out _);
            entry.Buffer = buffer;
            entry.References++;
        }
    }

    /// <summary>The deleter libtorch calls (on any thread) when a borrowing storage is freed.</summary>
    [UnmanagedCallersOnly]
    public static void OnStorageFreed(void* data) => Release((nint)data);

    public static void Release(nint address)
    {
        lock (Sync)
        {
            ref Entry entry = ref CollectionsMarshal.GetValueRefOrNullRef(Live, address);
            if (!Unsafe.IsNullRef(ref entry) && --entry.References == 0)
            {
                Live.Remove(address);
            }
        }
    }

    private struct Entry
    {
        public byte[] Buffer;
        public int References;
    }
}
