using RedisAI.Backends;

namespace RedisAI;

/// <summary>
/// A script as the keyspace holds it: metadata, source, the compiled script and its statistics, shared by reference
/// count exactly like <see cref="StoredModel"/>: the keyspace holds one reference, each execution one while it runs.
/// </summary>
internal sealed class StoredScript(ScriptInfo info, ICompiledScript compiled) : IRefCounted, IRunStatisticsOwner
{
    private int _references = 1;

    public ScriptInfo Info { get; } = info;

    public ICompiledScript Compiled { get; } = compiled;

    public RunStatistics Statistics { get; } = new(countsSamples: false);

    public string Key => Info.Key;

    /// <summary>Takes a reference; false when the script was already disposed (the caller looks the key up again).</summary>
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

    public bool IsEntryPoint(string function)
    {
        foreach (string name in Info.EntryPoints)
        {
            if (string.Equals(name, function, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public RunInfo GetRunInfo() => Statistics.ToInfo(Key, KeyType.Script, Info.Backend, Info.Device, Info.Tag);
}
