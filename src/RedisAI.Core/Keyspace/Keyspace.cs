using System.Collections.Concurrent;

namespace RedisAI;

/// <summary>
/// The thread-safe map of keys to typed entries, with expiry and memory accounting.
/// </summary>
/// <remarks>
/// Reads are lock-free. Writes take one short lock so that type checks, multi-key writes and accounting are
/// consistent: a multi-key write either writes every key or none. Expired keys are invisible at once (checked on
/// every read) and removed by a periodic sweep, so their memory is released even if nobody reads them again.
/// Values that hold native resources (<see cref="IRefCounted"/>) are released after they leave the keyspace,
/// outside the lock.
/// </remarks>
internal sealed class Keyspace : IDisposable
{
    private readonly ConcurrentDictionary<string, KeyspaceEntry> _entries = new(StringComparer.Ordinal);

    // Keys that carry an expiry, so the sweep does not walk the whole keyspace.
    private readonly ConcurrentDictionary<string, byte> _volatileKeys = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private readonly long[] _bytes = new long[4];
    private readonly long[] _counts = new long[4];
    private long _version;

    public Keyspace(TimeProvider time, TimeSpan sweepInterval)
    {
        _time = time;
        _sweeper = time.CreateTimer(static state => ((Keyspace)state!).RemoveExpired(), this, sweepInterval, sweepInterval);
    }

    /// <summary>Incremented by every write; persistence uses it to count changes.</summary>
    public long Version => Interlocked.Read(ref _version);

    public long NowTicks => _time.GetUtcNow().UtcTicks;

    public KeyspaceEntry? Get(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.HasExpiry && entry.IsExpired(NowTicks))
        {
            RemoveIfSame(key, entry);
            return null;
        }

        return entry;
    }

    /// <summary>Returns the value of <paramref name="key"/>, which must hold a <paramref name="type"/>.</summary>
    public KeyspaceEntry GetRequired(string key, KeyType type, string missingMessage)
    {
        var entry = Get(key) ?? throw new AiKeyNotFoundException(key, missingMessage);
        return entry.Type == type ? entry : throw new AiWrongTypeException(key, type, entry.Type);
    }

    /// <summary>Writes one key. A key holding another kind of value is a WRONGTYPE error and is left as it is.</summary>
    public void Set(string key, KeyType type, object value, long sizeInBytes, KeyExpiry expiry)
    {
        KeyspaceEntry? old;
        lock (_writeLock)
        {
            old = CheckWritable(key, type);
            Store(key, new KeyspaceEntry(type, value, sizeInBytes, ExpiryTicks(expiry, old)), old);
        }

        ReleaseValue(old);
    }

    /// <summary>
    /// Writes several keys of one type, all or none: every key is checked before any is written, and no other
    /// write interleaves.
    /// </summary>
    public void SetMany(ReadOnlySpan<string> keys, ReadOnlySpan<AiTensor> tensors, KeyExpiry expiry)
    {
        lock (_writeLock)
        {
            foreach (string key in keys)
            {
                CheckWritable(key, KeyType.Tensor);
            }

            for (int i = 0; i < keys.Length; i++)
            {
                // Looked up again: a key named twice replaces the entry this loop just wrote.
                var old = Get(keys[i]);
                Store(keys[i], new KeyspaceEntry(KeyType.Tensor, tensors[i], tensors[i].ByteCount, ExpiryTicks(expiry, old)), old);
            }
        }
    }

    /// <summary>Throws WRONGTYPE unless <paramref name="key"/> is absent or holds a <paramref name="type"/>.</summary>
    public void EnsureWritable(string key, KeyType type)
    {
        var entry = Get(key);
        if (entry is not null && entry.Type != type)
        {
            throw new AiWrongTypeException(key, type, entry.Type);
        }
    }

    /// <summary>Removes a key if it holds <paramref name="type"/> (any type when null). Returns whether it was removed.</summary>
    public bool Remove(string key, KeyType? type)
    {
        KeyspaceEntry? old;
        lock (_writeLock)
        {
            old = Get(key);
            if (old is null)
            {
                return false;
            }

            if (type is { } expected && old.Type != expected)
            {
                throw new AiWrongTypeException(key, expected, old.Type);
            }

            Detach(key, old);
        }

        ReleaseValue(old);
        return true;
    }

    /// <summary>Sets or clears (<paramref name="timeToLive"/> null) the expiry of an existing key.</summary>
    public bool SetExpiry(string key, TimeSpan? timeToLive)
    {
        lock (_writeLock)
        {
            var old = Get(key);
            if (old is null)
            {
                return false;
            }

            long ticks = timeToLive is { } ttl ? ExpiryTicks(KeyExpiry.After(ttl), old) : KeyspaceEntry.NoExpiry;
            Store(key, old.WithExpiry(ticks), old);
            return true;
        }
    }

    /// <summary>The keys matching a glob pattern (and a type, when given), at the time of the call.</summary>
    public List<string> Scan(string pattern, KeyType? type)
    {
        long now = NowTicks;
        var keys = new List<string>();
        bool all = pattern == "*";
        foreach (var (key, entry) in _entries)
        {
            if ((type is null || entry.Type == type) && !entry.IsExpired(now) && (all || GlobPattern.IsMatch(pattern, key)))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>A point-in-time copy of every live entry: consistent, because writers are held off while it is taken.</summary>
    public List<KeyValuePair<string, KeyspaceEntry>> Snapshot()
    {
        lock (_writeLock)
        {
            long now = NowTicks;
            var list = new List<KeyValuePair<string, KeyspaceEntry>>(_entries.Count);
            foreach (var pair in _entries)
            {
                if (!pair.Value.IsExpired(now))
                {
                    list.Add(pair);
                }
            }

            return list;
        }
    }

    public MemoryUsage GetMemoryUsage()
    {
        lock (_writeLock)
        {
            return new MemoryUsage(
                _bytes[(int)KeyType.Tensor], _bytes[(int)KeyType.Model], _bytes[(int)KeyType.Script],
                _counts[(int)KeyType.Tensor], _counts[(int)KeyType.Model], _counts[(int)KeyType.Script]);
        }
    }

    /// <summary>Removes every expired key now (the periodic sweep calls this).</summary>
    public void RemoveExpired()
    {
        if (_volatileKeys.IsEmpty)
        {
            return;
        }

        long now = NowTicks;
        foreach (var (key, _) in _volatileKeys)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.IsExpired(now))
            {
                RemoveIfSame(key, entry);
            }
        }
    }

    /// <summary>Removes every key.</summary>
    public void Clear()
    {
        List<KeyspaceEntry> removed;
        lock (_writeLock)
        {
            removed = [.. _entries.Values];
            _entries.Clear();
            _volatileKeys.Clear();
            Array.Clear(_bytes);
            Array.Clear(_counts);
            _version++;
        }

        foreach (var entry in removed)
        {
            ReleaseValue(entry);
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        Clear();
    }

    private KeyspaceEntry? CheckWritable(string key, KeyType type)
    {
        var old = Get(key);
        if (old is not null && old.Type != type)
        {
            throw new AiWrongTypeException(key, type, old.Type);
        }

        return old;
    }

    private long ExpiryTicks(KeyExpiry expiry, KeyspaceEntry? old)
    {
        if (expiry.KeepExisting)
        {
            return old?.ExpiresAtTicks ?? KeyspaceEntry.NoExpiry;
        }

        return expiry.TimeToLive is { } ttl ? NowTicks + ttl.Ticks : KeyspaceEntry.NoExpiry;
    }

    // Caller holds the write lock; old is the live entry being replaced (null if none).
    private void Store(string key, KeyspaceEntry entry, KeyspaceEntry? old)
    {
        _entries[key] = entry;
        if (old is not null)
        {
            Account(old, -1);
        }

        Account(entry, +1);
        if (entry.HasExpiry)
        {
            _volatileKeys[key] = 0;
        }
        else
        {
            _volatileKeys.TryRemove(key, out _);
        }

        _version++;
    }

    // Caller holds the write lock.
    private void Detach(string key, KeyspaceEntry entry)
    {
        _entries.TryRemove(key, out _);
        _volatileKeys.TryRemove(key, out _);
        Account(entry, -1);
        _version++;
    }

    private void RemoveIfSame(string key, KeyspaceEntry entry)
    {
        lock (_writeLock)
        {
            if (!_entries.TryGetValue(key, out var current) || !ReferenceEquals(current, entry))
            {
                return;
            }

            Detach(key, entry);
        }

        ReleaseValue(entry);
    }

    private void Account(KeyspaceEntry entry, int sign)
    {
        _bytes[(int)entry.Type] += sign * entry.SizeInBytes;
        _counts[(int)entry.Type] += sign;
    }

    private static void ReleaseValue(KeyspaceEntry? entry) => (entry?.Value as IRefCounted)?.Release();
}
