using RedisAI.Backends;

namespace RedisAI;

/// <summary>
/// A script as the keyspace holds it: metadata, source, the compiled script and its statistics, shared by reference
/// count (see <see cref="SharedValue"/>).
/// </summary>
internal sealed class StoredScript(ScriptInfo info, ICompiledScript compiled) : SharedValue, IRunStatisticsOwner
{
    public ScriptInfo Info { get; } = info;

    public ICompiledScript Compiled { get; } = compiled;

    public RunStatistics Statistics { get; } = new(countsSamples: false);

    public string Key => Info.Key;

    public override string Description => $"script '{Key}'";

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

    protected override void Free() => Compiled.Dispose();
}
