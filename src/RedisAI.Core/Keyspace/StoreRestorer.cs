using System.Runtime.InteropServices;
using System.Text;

namespace RedisAI;

/// <summary>
/// Replaces the whole keyspace with restored entries (loading a snapshot): compiles every model and script into a
/// staging set first, and changes the keyspace only when all are ready, in one step readers see whole.
/// </summary>
internal sealed class StoreRestorer(Keyspace keyspace, StoredValueCompiler compiler, ExecutionEngine engine, TimeProvider time)
{
    public StoreRestoreResult Restore(IEnumerable<StoreEntry> entries, bool skipFailedKeys)
    {
        long now = time.GetUtcNow().UtcTicks;
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
                            StoredModel stored = compiler.CompileModel(entry.Key, ToArray(model.Blob), ToOptions(model));
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
                            StoredScript stored = CompileScript(script);
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

            keyspace.ReplaceAll(staged);
        }
        catch
        {
            ReleaseAll(compiled);
            throw;
        }

        foreach (var value in compiled)
        {
            engine.GetQueue(value is StoredModel model ? model.Info.Device : ((StoredScript)value).Info.Device);
        }

        return new StoreRestoreResult(true, staged.Count, expired, failures);
    }

    private StoredScript CompileScript(ScriptInfo script)
    {
        if (string.Equals(script.Backend, DotNetScript.BackendName, StringComparison.OrdinalIgnoreCase))
        {
            throw new AiStoreException(
                AiErrorCode.BackendNotFound,
                $"script '{script.Key}' is a .NET script: its code is part of the application, not data, so it is stored again at start-up rather than restored");
        }

        return compiler.CompileScript(script.Key, script.Source, new ScriptOptions
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
