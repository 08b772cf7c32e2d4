using RedisAI.Backends;

namespace RedisAI;

/// <summary>
/// A model as the keyspace holds it: metadata, the original bytes, the compiled model, its statistics and its
/// batcher, shared by reference count (see <see cref="SharedValue"/>).
/// </summary>
internal sealed class StoredModel : SharedValue, IRunStatisticsOwner
{
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

    public override string Description => $"model '{Key}'";

    public RunInfo GetRunInfo() => Statistics.ToInfo(Key, KeyType.Model, Info.Backend, Info.Device, Info.Tag);

    protected override void Free()
    {
        Batcher?.Dispose();
        Compiled.Dispose();
    }
}
