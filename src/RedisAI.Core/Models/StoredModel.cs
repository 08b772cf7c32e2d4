using RedisAI.Backends;

namespace RedisAI;

/// <summary>
/// A model as the keyspace holds it: metadata, the original bytes, the compiled model, its statistics and its
/// batcher, shared by reference count. The keyspace holds one reference; each execution holds one while it runs,
/// so replacing or deleting the key never disposes a model under a running call.
/// </summary>
internal sealed class StoredModel : IRefCounted, IRunStatisticsOwner
{
    private int _references = 1;

    public StoredModel(ModelInfo info, ICompiledModel compiled)
    {
        Info = info;
        Compiled = compiled;
    }

    public ModelInfo Info { get; }

    public ICompiledModel Compiled { get; }

    public RunStatistics Statistics { get; } = new(countsSamples: true);

    /// <summary>Set at store time when the model has BATCHSIZE &gt; 0.</summary>
    public ModelBatcher? Batcher { get; set; }

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
            Batcher?.Dispose();
            Compiled.Dispose();
        }
    }

    public RunInfo GetRunInfo() => Statistics.ToInfo(Key, KeyType.Model, Info.Backend, Info.Device, Info.Tag);
}
