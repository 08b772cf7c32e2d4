namespace RedisAI;

/// <summary>
/// One key and its value as a <see cref="StoreSnapshot"/> or a <see cref="StoreChange"/> reports it, or as
/// <see cref="AiStore.Restore"/> takes it: a tensor, a model's metadata and bytes, or a script's metadata and source,
/// with the key's expiry.
/// </summary>
/// <remarks>Immutable and thread-safe; the values it holds are immutable too, so it can be written out at leisure.</remarks>
public sealed class StoreEntry
{
    private StoreEntry(string key, KeyType type, object value, DateTimeOffset? expiresAt)
    {
        Key = key;
        Type = type;
        Value = value;
        ExpiresAt = expiresAt;
    }

    /// <summary>The key.</summary>
    public string Key { get; }

    /// <summary>The kind of value; says which of <see cref="Tensor"/>, <see cref="Model"/> and <see cref="Script"/> is set.</summary>
    public KeyType Type { get; }

    /// <summary>When the key expires (UTC), or <see langword="null"/> when it does not.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The tensor, when <see cref="Type"/> is <see cref="KeyType.Tensor"/>.</summary>
    public AiTensor? Tensor => Value as AiTensor;

    /// <summary>The model's metadata and bytes, when <see cref="Type"/> is <see cref="KeyType.Model"/>.</summary>
    public ModelInfo? Model => Value as ModelInfo;

    /// <summary>The script's metadata and source, when <see cref="Type"/> is <see cref="KeyType.Script"/>.</summary>
    public ScriptInfo? Script => Value as ScriptInfo;

    internal object Value { get; }

    /// <summary>A tensor entry.</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="tensor"/> is null.</exception>
    public static StoreEntry ForTensor(string key, AiTensor tensor, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(tensor);
        return new StoreEntry(key, KeyType.Tensor, tensor, expiresAt);
    }

    /// <summary>
    /// A model entry under <see cref="ModelInfo.Key"/>. Restoring it compiles <see cref="ModelInfo.Blob"/> on the
    /// backend <see cref="ModelInfo.Backend"/> names, binding the inputs and outputs <paramref name="model"/> lists.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">The model's key is empty.</exception>
    public static StoreEntry ForModel(ModelInfo model, DateTimeOffset? expiresAt = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(model.Key);
        return new StoreEntry(model.Key, KeyType.Model, model, expiresAt);
    }

    /// <summary>
    /// A script entry under <see cref="ScriptInfo.Key"/>. Restoring it compiles <see cref="ScriptInfo.Source"/> on the
    /// script backend <see cref="ScriptInfo.Backend"/> names. A <see cref="DotNetScript"/> (backend
    /// <see cref="DotNetScript.BackendName"/>) has no source to compile: it cannot be restored, only stored again.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="script"/> is null.</exception>
    /// <exception cref="ArgumentException">The script's key is empty.</exception>
    public static StoreEntry ForScript(ScriptInfo script, DateTimeOffset? expiresAt = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentException.ThrowIfNullOrEmpty(script.Key);
        return new StoreEntry(script.Key, KeyType.Script, script, expiresAt);
    }

    /// <summary>The same key and value with another expiry.</summary>
    public StoreEntry WithExpiry(DateTimeOffset? expiresAt) => new(Key, Type, Value, expiresAt);

    /// <summary>Formats as <c>key (Tensor)</c>.</summary>
    public override string ToString() => $"{Key} ({Type})";

    internal static StoreEntry From(string key, KeyspaceEntry entry)
    {
        DateTimeOffset? expiresAt = entry.HasExpiry ? new DateTimeOffset(entry.ExpiresAtTicks, TimeSpan.Zero) : null;
        object value = entry.Value switch
        {
            AiTensor tensor => tensor,
            StoredModel model => model.Info,
            StoredScript script => script.Info,
            _ => throw new InvalidOperationException($"key '{key}' holds a {entry.Type}, which cannot be exported"),
        };
        return new StoreEntry(key, entry.Type, value, expiresAt);
    }
}
