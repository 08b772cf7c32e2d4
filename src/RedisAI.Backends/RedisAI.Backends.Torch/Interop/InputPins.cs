using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RedisAI.Backends.Torch;

/// <summary>
/// Keeps the store buffers that libtorch tensors borrow (<see cref="TorchNative.FromBuffer"/>) pinned and alive until
/// libtorch frees their storage and calls <see cref="OnStorageFreed"/>, which may be after the run if a module kept a
/// reference. Counted per address, because the same tensor can be an input of many concurrent runs.
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

    /// <summary>Takes over <paramref name="pin"/>, which holds a store buffer in place at <paramref name="address"/>.</summary>
    public static void Add(nint address, MemoryHandle pin)
    {
        lock (Sync)
        {
            ref Entry entry = ref CollectionsMarshal.GetValueRefOrAddDefault(Live, address, out bool exists);
            if (exists)
            {
                // The entry's pin already holds the same buffer at this address.
                pin.Dispose();
            }
            else
            {
                entry.Pin = pin;
            }

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
                entry.Pin.Dispose();
                Live.Remove(address);
            }
        }
    }

    private struct Entry
    {
        public MemoryHandle Pin;
        public int References;
    }
}
