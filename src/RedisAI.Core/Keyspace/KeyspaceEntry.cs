namespace RedisAI;

/// <summary>
/// One key's value as the keyspace holds it. Immutable: a write swaps in a new entry, so readers and running
/// executions keep the entry they looked up.
/// </summary>
internal sealed class KeyspaceEntry(KeyType type, object value, long sizeInBytes, long expiresAtTicks)
{
    public const long NoExpiry = long.MaxValue;

    public KeyType Type { get; } = type;

    public object Value { get; } = value;

    public long SizeInBytes { get; } = sizeInBytes;

    /// <summary>UTC ticks at which the key expires, or <see cref="NoExpiry"/>.</summary>
    public long ExpiresAtTicks { get; } = expiresAtTicks;

    public bool HasExpiry => ExpiresAtTicks != NoExpiry;

    public bool IsExpired(long nowTicks) => ExpiresAtTicks <= nowTicks;

    public KeyspaceEntry WithExpiry(long expiresAtTicks) => new(Type, Value, SizeInBytes, expiresAtTicks);
}

/// <summary>A value whose resources are shared by reference count: the keyspace holds one reference.</summary>
internal interface IRefCounted
{
    void Release();
}
