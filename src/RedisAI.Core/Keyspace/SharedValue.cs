namespace RedisAI;

/// <summary>
/// A keyspace value that owns native resources (a compiled model or script), shared by reference count. The
/// keyspace holds one reference and each execution one while it runs, so replacing or deleting the key never
/// frees resources under a running call: the last release does.
/// </summary>
internal abstract class SharedValue : IRefCounted
{
    private int _references = 1;

    /// <summary>What the value is, for error messages: <c>model 'key'</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Takes a reference; false when the value was already freed (the caller looks the key up again).</summary>
    public bool TryAcquire()
    {
        int current = Volatile.Read(ref _references);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Free();
        }
    }

    /// <summary>Frees the resources; called once, by the last release.</summary>
    protected abstract void Free();
}
