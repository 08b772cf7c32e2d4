using System.Runtime.InteropServices;
using System.Text;
using RedisAI.Backends;

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
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
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
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        long now = _time.GetUtcNow().UtcTicks;
        var staged = new List<KeyValuePair<string, KeyspaceEntry>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<StoreRestoreFailure>();
        var compiled = new List<IRefCounted>();
        int expired = 0;
        try
        {
            foreach (StoreEntry? entry in entries)
            {
                ArgumentNullException.ThrowIfNull(entry, nameof(entries));
                if (!keys.Add(entry.Key))
                {
                    throw new AiArgumentException($"key '{entry.Key}' appears twice in the entries to restore");
                }

                long expiresAt = entry.ExpiresAt is { } at ? at.UtcTicks : KeyspaceEntry.NoExpiry;
                if (expiresAt <= now)
                {
                    expired++;
                    continue;
                }

                switch (entry.Value)
                {
                    case AiTensor tensor:
                        staged.Add(new(entry.Key, new KeyspaceEntry(KeyType.Tensor, tensor, tensor.ByteCount, expiresAt)));
                        break;
                    case ModelInfo model:
                        try
                        {
                            StoredModel stored = PrepareModel(entry.Key, ToArray(model.Blob), ToOptions(model));
                            compiled.Add(stored);
                            staged.Add(new(entry.Key, new KeyspaceEntry(KeyType.Model, stored, stored.Info.Blob.Length, expiresAt)));
                        }
                        catch (AiStoreException ex)
                        {
                            failures.Add(new StoreRestoreFailure(entry.Key, KeyType.Model, ex));
                        }

                        break;
                    case ScriptInfo script:
                        try
                        {
                            StoredScript stored = PrepareRestoredScript(script);
                            compiled.Add(stored);
                            staged.Add(new(entry.Key, new KeyspaceEntry(KeyType.Script, stored, Encoding.UTF8.GetByteCount(script.Source), expiresAt)));
                        }
                        catch (AiStoreException ex)
                        {
                            failures.Add(new StoreRestoreFailure(entry.Key, KeyType.Script, ex));
                        }

                        break;
                    default:
                        throw new AiArgumentException($"key '{entry.Key}' holds a {entry.Type}, which cannot be restored");
                }
            }

            if (failures.Count > 0 && !skipFailedKeys)
            {
                ReleaseAll(compiled);
                return new StoreRestoreResult(false, 0, expired, failures);
            }

            _keyspace.ReplaceAll(staged);
        }
        catch
        {
            ReleaseAll(compiled);
            throw;
        }

        foreach (var value in compiled)
        {
            _engine.GetQueue(value is StoredModel model ? model.Info.Device : ((StoredScript)value).Info.Device);
        }

        return new StoreRestoreResult(true, staged.Count, expired, failures);
    }

    private StoredScript PrepareRestoredScript(ScriptInfo script)
    {
        if (string.Equals(script.Backend, DotNetScript.BackendName, StringComparison.OrdinalIgnoreCase))
        {
            throw new AiStoreException(
                AiErrorCode.BackendNotFound,
                $"script '{script.Key}' is a .NET script: its code is part of the application, not data, so it is stored again at start-up rather than restored");
        }

        return PrepareScript(script.Key, script.Source, new ScriptOptions
        {
            Backend = script.Backend,
            Device = script.Device,
            Tag = script.Tag,
            EntryPoints = script.EntryPoints,
        });
    }

    // The options that compile a model the way it was compiled when first stored. The IO names the model reported
    // select and order its inputs and outputs exactly as the names first given did (all of them, in graph order,
    // when none were given); unnamed or repeated names (TorchScript outputs) mean the backend's own order.
    private static ModelOptions ToOptions(ModelInfo model) => new()
    {
        Backend = model.Backend,
        Device = model.Device,
        Tag = model.Tag,
        BatchSize = model.BatchSize,
        MinBatchSize = model.MinBatchSize,
        MinBatchTimeout = model.MinBatchTimeout,
        Inputs = BindableNames(model.Inputs),
        Outputs = BindableNames(model.Outputs),
    };

    private static string[]? BindableNames(IReadOnlyList<TensorInfo> infos)
    {
        if (infos.Count == 0)
        {
            return null;
        }

        var names = new string[infos.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = infos[i].Name;
            if (string.IsNullOrEmpty(names[i]) || !seen.Add(names[i]))
            {
                return null;
            }
        }

        return names;
    }

    // The restored blob is usually an exact array already (a snapshot reader allocates one per model): take it as is.
    private static byte[] ToArray(ReadOnlyMemory<byte> blob) =>
        MemoryMarshal.TryGetArray(blob, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : blob.ToArray();

    private static void ReleaseAll(List<IRefCounted> values)
    {
        foreach (var value in values)
        {
            value.Release();
        }
    }
}
