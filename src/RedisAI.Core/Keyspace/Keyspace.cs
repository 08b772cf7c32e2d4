using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

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
/// Change listeners (<see cref="IStoreChangeListener"/>, the append-only log) are told of every write under the write
/// lock, after the write's checks and before it applies, so they see changes in apply order and can refuse one.
/// </remarks>
internal sealed partial class Keyspace : IDisposable
{
    private readonly ConcurrentDictionary<string, KeyspaceEntry> _entries = new(StringComparer.Ordinal);

    // Keys that carry an expiry, so the sweep does not walk the whole keyspace.
    private readonly ConcurrentDictionary<string, byte> _volatileKeys = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private readonly ILogger _logger;
    private readonly long[] _bytes = new long[4];
    private readonly long[] _counts = new long[4];
    private long _version;
    private IStoreChangeListener[] _listeners = [];

    public Keyspace(TimeProvider time, TimeSpan sweepInterval, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _sweeper = time.CreateTimer(static state => ((Keyspace)state!).SweepExpired(), this, sweepInterval, sweepInterval);
    }

    /// <summary>Incremented by every write; persistence uses it to count changes.</summary>
    public long Version => Interlocked.Read(ref _version);

    public long NowTicks => _time.GetUtcNow().UtcTicks;

    /// <summary>Adds a listener told of every later change (see <see cref="IStoreChangeListener"/>).</summary>
    public void AddListener(IStoreChangeListener listener)
    {
        lock (_writeLock)
        {
            _listeners = [.. _listeners, listener];
        }
    }

    /// <summary>Removes a listener; returns whether it was registered.</summary>
    public bool RemoveListener(IStoreChangeListener listener)
    {
        lock (_writeLock)
        {
            int index = Array.IndexOf(_listeners, listener);
            if (index < 0)
            {
                return false;
            }

            _listeners = [.. _listeners.AsSpan(0, index), .. _listeners.AsSpan(index + 1)];
            return true;
        }
    }

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

    /// <summary>
    /// Returns the value of <paramref name="key"/>, or null when it does not exist; callers throw their own
    /// not-found error, so the message is only built on failure (this runs on every call).
    /// </summary>
    /// <exception cref="AiWrongTypeException">The key holds another type.</exception>
    public KeyspaceEntry? GetOfType(string key, KeyType type)
    {
        var entry = Get(key);
        return entry is null || entry.Type == type ? entry : throw new AiWrongTypeException(key, type, entry.Type);
    }

    /// <summary>Writes one key. A key holding another kind of value is a WRONGTYPE error and is left as it is.</summary>
    public void Set(string key, KeyType type, object value, long sizeInBytes, KeyExpiry expiry)
    {
        KeyspaceEntry? old;
        lock (_writeLock)
        {
            old = CheckWritable(key, type);
            var entry = new KeyspaceEntry(type, value, sizeInBytes, ExpiryTicks(key, expiry, old));
            NotifySet(key, entry);
            Store(key, entry, old);
        }

        ReleaseValue(old);
    }

    /// <summary>
    /// Writes several keys of one type, all or none: every key is checked before any is written, and no other
    /// write interleaves.
    /// </summary>
    public void SetMany(ReadOnlySpan<string> keys, ReadOnlySpan<AiTensor> tensors, KeyExpiry expiry)
    {
        Span<KeyExpiry> expiries = keys.Length <= 16 ? stackalloc KeyExpiry[keys.Length] : new KeyExpiry[keys.Length];
        expiries.Fill(expiry);
        SetMany(keys, tensors, expiries);
    }

    /// <summary>As <see cref="SetMany(ReadOnlySpan{string}, ReadOnlySpan{AiTensor}, KeyExpiry)"/>, with an expiry per key.</summary>
    public void SetMany(ReadOnlySpan<string> keys, ReadOnlySpan<AiTensor> tensors, ReadOnlySpan<KeyExpiry> expiries)
    {
        lock (_writeLock)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                CheckWritable(keys[i], KeyType.Tensor);
                CheckExpiry(keys[i], expiries[i]);
            }

            if (_listeners.Length != 0)
            {
                // Every listener hears of every key before any is written, so a refusal leaves no key written.
                for (int i = 0; i < keys.Length; i++)
                {
                    NotifySet(keys[i], new KeyspaceEntry(KeyType.Tensor, tensors[i], tensors[i].ByteCount, ExpiryTicks(keys[i], expiries[i], Get(keys[i]))));
                }
            }

            for (int i = 0; i < keys.Length; i++)
            {
                // Looked up again: a key named twice replaces the entry this loop just wrote.
                var old = Get(keys[i]);
                Store(keys[i], new KeyspaceEntry(KeyType.Tensor, tensors[i], tensors[i].ByteCount, ExpiryTicks(keys[i], expiries[i], old)), old);
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

            Notify(new StoreChange(StoreChangeKind.Removed, key, null));
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

            long ticks = timeToLive is { } ttl ? ExpiryTicks(key, KeyExpiry.After(ttl), old) : KeyspaceEntry.NoExpiry;
            var entry = old.WithExpiry(ticks);
            if (_listeners.Length != 0)
            {
                Notify(new StoreChange(StoreChangeKind.ExpiryChanged, key, StoreEntry.From(key, entry)));
            }

            Store(key, entry, old);
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
    public List<KeyValuePair<string, KeyspaceEntry>> Snapshot() => Snapshot(out _, out _);

    /// <summary>
    /// As <see cref="Snapshot()"/>, with the <see cref="Version"/> and the time at which it was taken. Only references
    /// are copied (entries are immutable), so writers wait for a walk of the dictionary, not for the data.
    /// </summary>
    public List<KeyValuePair<string, KeyspaceEntry>> Snapshot(out long version, out long nowTicks)
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

            version = _version;
            nowTicks = now;
            return list;
        }
    }

    /// <summary>
    /// Replaces every key with <paramref name="entries"/> in one step (loading a snapshot): readers see the old
    /// contents or the new, never a mix. Listeners are told <see cref="StoreChangeKind.Cleared"/>, then each key.
    /// </summary>
    public void ReplaceAll(IReadOnlyList<KeyValuePair<string, KeyspaceEntry>> entries)
    {
        List<KeyspaceEntry> removed;
        lock (_writeLock)
        {
            if (_listeners.Length != 0)
            {
                Notify(new StoreChange(StoreChangeKind.Cleared, null, null));
                foreach (var (key, entry) in entries)
                {
                    NotifySet(key, entry);
                }
            }

            removed = DetachAllLocked();
            foreach (var (key, entry) in entries)
            {
                var old = _entries.GetValueOrDefault(key);
                if (old is not null)
                {
                    removed.Add(old);
                }

                Store(key, entry, old);
            }
        }

        foreach (var entry in removed)
        {
            ReleaseValue(entry);
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
    // A timer callback that throws would end the process; a failed sweep is logged and the next one retries.
    private void SweepExpired()
    {
        try
        {
            RemoveExpired();
        }
        catch (Exception ex)
        {
            LogSweepFailed(_logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The sweep of expired keys failed; the next sweep retries")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

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
    public void Clear() => Clear(notify: true);

    public void Dispose()
    {
        _sweeper.Dispose();

        // Releasing memory at shutdown is not a change of the data: listeners (the append-only log) must not record it.
        Clear(notify: false);
    }

    private void Clear(bool notify)
    {
        List<KeyspaceEntry> removed;
        lock (_writeLock)
        {
            if (notify)
            {
                Notify(new StoreChange(StoreChangeKind.Cleared, null, null));
            }

            removed = DetachAllLocked();
        }

        foreach (var entry in removed)
        {
            ReleaseValue(entry);
        }
    }

    /// <summary>Empties the keyspace and its accounting; returns the entries to release once the lock is left.</summary>
    private List<KeyspaceEntry> DetachAllLocked()
    {
        List<KeyspaceEntry> removed = [.. _entries.Values];
        _entries.Clear();
        _volatileKeys.Clear();
        Array.Clear(_bytes);
        Array.Clear(_counts);
        _version++;
        return removed;
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

    private long ExpiryTicks(string key, KeyExpiry expiry, KeyspaceEntry? old)
    {
        if (expiry.KeepExisting)
        {
            return old?.ExpiresAtTicks ?? KeyspaceEntry.NoExpiry;
        }

        return expiry.TimeToLive is { } ttl ? CheckedExpiryTicks(key, ttl) : KeyspaceEntry.NoExpiry;
    }

    private void CheckExpiry(string key, KeyExpiry expiry)
    {
        if (expiry.TimeToLive is { } ttl)
        {
            CheckedExpiryTicks(key, ttl);
        }
    }

    // As Redis's "invalid expire time": an expiry instant past DateTimeOffset.MaxValue cannot be represented
    // (it would wrap to the past and delete the key, or break whatever formats the instant later).
    private long CheckedExpiryTicks(string key, TimeSpan ttl)
    {
        long now = NowTicks;
        if (ttl.Ticks > DateTimeOffset.MaxValue.UtcTicks - now)
        {
            throw new AiArgumentException(
                $"invalid expire time for key '{key}': a time to live of {ttl} ends after {DateTimeOffset.MaxValue:O}, the latest expiry the store can represent");
        }

        return now + ttl.Ticks;
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

            NotifyExpired(key);
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

    // Caller holds the write lock. A listener's exception propagates: the write has not been applied yet.
    private void Notify(in StoreChange change)
    {
        foreach (var listener in _listeners)
        {
            listener.OnChange(change);
        }
    }

    // Caller holds the write lock. Builds the change only when someone listens, so plain writes allocate nothing extra.
    private void NotifySet(string key, KeyspaceEntry entry)
    {
        if (_listeners.Length != 0)
        {
            Notify(new StoreChange(StoreChangeKind.Set, key, StoreEntry.From(key, entry)));
        }
    }

    // Caller holds the write lock. An expired key goes whatever a listener says (a reader may have found it), so a
    // listener's failure is its own to report.
    private void NotifyExpired(string key)
    {
        foreach (var listener in _listeners)
        {
            try
            {
                listener.OnChange(new StoreChange(StoreChangeKind.Expired, key, null));
            }
            catch (Exception ex) when (ex is AiStoreException or IOException)
            {
                // The key is removed regardless; see the comment above.
            }
        }
    }
}
