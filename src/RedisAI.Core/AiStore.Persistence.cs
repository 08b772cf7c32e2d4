namespace RedisAI;

// The surface persistence (snapshots, the append-only log) needs: a point-in-time view, a change stream, a change
// counter, and an all-or-nothing restore. Core knows no file format; RedisAI.Persistence builds on these.
public sealed partial class AiStore
{
    /// <summary>
    /// The number of changes made to the keyspace since the store was created (writes, deletes, expiry changes,
    /// expirations). Only grows. Save policies ("after N seconds if at least M changes") compare it with the value
    /// a snapshot recorded (<see cref="StoreSnapshot.ChangeCount"/>).
    /// </summary>
    public long ChangeCount => _keyspace.Version;

    /// <summary>
    /// Takes a point-in-time view of every live key. Writers are held off only while references are copied (no
    /// data is copied), so a background save can write the view out while they go on.
    /// </summary>
    /// <returns>The view; the state of the store at the instant of the call.</returns>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    /// <exception cref="InvalidOperationException">A key holds a kind of value that cannot be exported.</exception>
    public StoreSnapshot CreateSnapshot()
    {
        ThrowIfDisposed();
        var captured = _keyspace.Snapshot(out long version, out long nowTicks);
        var entries = new StoreEntry[captured.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = StoreEntry.From(captured[i].Key, captured[i].Value);
        }

        return new StoreSnapshot(entries, new DateTimeOffset(nowTicks, TimeSpan.Zero), version);
    }

    /// <summary>
    /// Registers a listener told of every later change, in apply order, under the store's write lock (see
    /// <see cref="IStoreChangeListener"/> for the rules it must follow).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="listener"/> is null.</exception>
    public void AddChangeListener(IStoreChangeListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _keyspace.AddListener(listener);
    }

    /// <summary>Unregisters a listener. Returns whether it was registered.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="listener"/> is null.</exception>
    public bool RemoveChangeListener(IStoreChangeListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return _keyspace.RemoveListener(listener);
    }

    /// <summary>
    /// Replaces the whole contents of the store with <paramref name="entries"/> (loading a snapshot). Every model and
    /// script is compiled on its backend first; only when all are ready does the keyspace change, in one step that
    /// readers see whole. Entries whose expiry has passed are left out.
    /// </summary>
    /// <param name="entries">The keys to hold; a key may appear once.</param>
    /// <param name="skipFailedKeys">
    /// When false (the default), any key that cannot be restored (its backend is not registered, its model or script
    /// does not compile, or it is a <see cref="DotNetScript"/>, whose code is not data) leaves the store unchanged and is reported in <see cref="StoreRestoreResult.Failures"/>. When
    /// true, such keys are left out and the rest is restored.
    /// </param>
    /// <returns>What was restored, and every key that failed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or one of them is null.</exception>
    /// <exception cref="AiArgumentException">A key appears twice.</exception>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    /// <exception cref="AiStoreException">A change listener refused the restore; the store is unchanged.</exception>
    public StoreRestoreResult Restore(IEnumerable<StoreEntry> entries, bool skipFailedKeys = false)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ThrowIfDisposed();
        return _restorer.Restore(entries, skipFailedKeys);
    }
}
