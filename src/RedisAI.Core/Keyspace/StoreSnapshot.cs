using System.Collections;

namespace RedisAI;

/// <summary>
/// Every live key of a store at one instant (<see cref="AiStore.CreateSnapshot"/>). Taking it copies references
/// only: values are immutable, so later writes to the store never show through, and a snapshot can be written out
/// while writers go on.
/// </summary>
/// <remarks>Immutable and thread-safe. It keeps the values it holds alive, including those replaced in the store since.</remarks>
public sealed class StoreSnapshot : IReadOnlyList<StoreEntry>
{
    private readonly StoreEntry[] _entries;

    internal StoreSnapshot(StoreEntry[] entries, DateTimeOffset capturedAt, long changeCount)
    {
        _entries = entries;
        CapturedAt = capturedAt;
        ChangeCount = changeCount;
    }

    /// <summary>When it was taken, by the store's clock.</summary>
    public DateTimeOffset CapturedAt { get; }

    /// <summary>The store's <see cref="AiStore.ChangeCount"/> when it was taken.</summary>
    public long ChangeCount { get; }

    /// <summary>The number of keys.</summary>
    public int Count => _entries.Length;

    /// <summary>The entry at <paramref name="index"/> (in no particular order).</summary>
    public StoreEntry this[int index] => _entries[index];

    /// <inheritdoc />
    public IEnumerator<StoreEntry> GetEnumerator() => ((IEnumerable<StoreEntry>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _entries.GetEnumerator();
}
