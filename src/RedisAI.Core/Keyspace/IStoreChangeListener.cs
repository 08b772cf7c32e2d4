namespace RedisAI;

/// <summary>
/// Hears of every change to a store's keyspace, in the order the changes apply (see
/// <see cref="AiStore.AddChangeListener"/>). The append-only log of RedisAI.Persistence is one.
/// </summary>
/// <remarks>
/// <see cref="OnChange"/> runs under the store's write lock, after the write's checks and before it applies: no other
/// write interleaves, so the order of calls is the order of the changes. It must be quick (every writer waits for
/// it) and must not call back into the store. Throwing an <see cref="AiStoreException"/> refuses the write, which
/// then fails with that exception and changes nothing; for <see cref="StoreChangeKind.Expired"/> an exception is
/// ignored, since an expired key is gone whatever happens.
/// </remarks>
public interface IStoreChangeListener
{
    /// <summary>Called for each change, under the store's write lock.</summary>
    void OnChange(in StoreChange change);
}
