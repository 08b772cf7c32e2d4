namespace RedisAI;

/// <summary>
/// A validated DAG: for each operation, the values it reads, the local names its outputs take (null for an output
/// nobody named) and the model or script it holds a reference to; and the values to persist. Every reference is
/// released exactly once: by the run that takes it over, or here.
/// </summary>
internal sealed class DagPlan
{
    public DagPlan(IReadOnlyList<DagOperation> operations)
    {
        Operations = operations;
        Inputs = new DagValue[operations.Count][];
        InputNames = new string[operations.Count][];
        OutputNames = new string?[operations.Count][];
        Models = new StoredModel?[operations.Count];
        Scripts = new StoredScript?[operations.Count];
    }

    public IReadOnlyList<DagOperation> Operations { get; }

    public DagValue[][] Inputs { get; }

    /// <summary>The local name of each input, in the order the operation reads them.</summary>
    public string[][] InputNames { get; }

    public string?[][] OutputNames { get; }

    public StoredModel?[] Models { get; }

    public StoredScript?[] Scripts { get; }

    public (string Key, DagValue Value, KeyExpiry Expiry)[] Persists { get; private set; } = [];

    public void SetPersistCount(int count) => Persists = new (string, DagValue, KeyExpiry)[count];

    /// <summary>Releases the reference of operation <paramref name="index"/> if nothing took it over.</summary>
    public void Release(int index)
    {
        Interlocked.Exchange(ref Models[index], null)?.Release();
        Interlocked.Exchange(ref Scripts[index], null)?.Release();
    }

    public void ReleaseAll()
    {
        for (int i = 0; i < Operations.Count; i++)
        {
            Release(i);
        }
    }
}
