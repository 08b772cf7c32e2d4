using RedisAI.Backends;

namespace RedisAI;

/// <summary>
/// A model as the keyspace holds it: metadata, the original bytes and the compiled model, shared by reference
/// count. The keyspace holds one reference; each execution holds one while it runs, so replacing or deleting the
/// key never disposes a model under a running call.
/// </summary>
internal sealed class StoredModel(ModelInfo info, ICompiledModel compiled) : IRefCounted
{
    private int _references = 1;

    public ModelInfo Info { get; } = info;

    public ICompiledModel Compiled { get; } = compiled;

    public string Key => Info.Key;

    /// <summary>Takes a reference; false when the model was already disposed (the caller looks the key up again).</summary>
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
            Compiled.Dispose();
        }
    }
}
