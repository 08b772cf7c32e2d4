namespace RedisAI;

/// <summary>What kind of change a <see cref="StoreChange"/> reports.</summary>
public enum StoreChangeKind
{
    /// <summary>A key was written (created or replaced); <see cref="StoreChange.Entry"/> holds its new value and expiry.</summary>
    Set = 1,

    /// <summary>A key was deleted.</summary>
    Removed = 2,

    /// <summary>A key's expiry was set or cleared; <see cref="StoreChange.Entry"/> holds the key with its new expiry (the value is unchanged).</summary>
    ExpiryChanged = 3,

    /// <summary>A key reached its expiry and was removed.</summary>
    Expired = 4,

    /// <summary>Every key was removed.</summary>
    Cleared = 5,
}

/// <summary>One change to a store's keyspace, as an <see cref="IStoreChangeListener"/> hears of it.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Key">The key, or <see langword="null"/> for <see cref="StoreChangeKind.Cleared"/>.</param>
/// <param name="Entry">The key's new state for <see cref="StoreChangeKind.Set"/> and <see cref="StoreChangeKind.ExpiryChanged"/>; otherwise <see langword="null"/>.</param>
public readonly record struct StoreChange(StoreChangeKind Kind, string? Key, StoreEntry? Entry);
