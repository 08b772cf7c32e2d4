namespace RedisAI.Persistence;

/// <summary>
/// The keys a load is building, before any reaches the store: the snapshot's entries with the log's records applied
/// in order. Records overwrite whatever a key held (a key may change kind across a delete), exactly as the live
/// store did; applying records the snapshot already contains again gives the same result, because every record
/// carries a key's whole new state.
/// </summary>
/// <remarks>Not thread-safe: one load builds it.</remarks>
internal sealed class StagedKeyspace
{
    private readonly Dictionary<string, StoreEntry> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public IEnumerable<StoreEntry> Entries => _entries.Values;

    public void Set(StoreEntry entry) => _entries[entry.Key] = entry;

    public void Remove(string key) => _entries.Remove(key);

    public void SetExpiry(string key, DateTimeOffset? expiresAt)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            _entries[key] = entry.WithExpiry(expiresAt);
        }
    }

    public void Clear() => _entries.Clear();
}
