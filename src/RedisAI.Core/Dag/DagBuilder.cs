namespace RedisAI;

/// <summary>
/// Builds a DAG: several tensor, model and script operations run as one request (RedisAI's AI.DAGEXECUTE).
/// Tensors named in a DAG are local to it: <see cref="Load"/> brings store keys in, operations read and write
/// local names, and <see cref="Persist"/> lists the local tensors written back to the store, all together and
/// only if every operation succeeds. Operations run as soon as the operations producing their inputs have, each
/// on its device's queue, so independent operations run in parallel.
/// </summary>
/// <remarks>
/// Get one from <see cref="IAiStore.CreateDag"/> or <see cref="IAiStore.CreateReadOnlyDag"/>. Not thread-safe while
/// building; <see cref="ExecuteAsync"/> may be called once or many times.
/// </remarks>
public sealed class DagBuilder
{
    private readonly IAiStore _store;
    private readonly List<string> _loads = [];
    private readonly List<(string Key, KeyExpiry Expiry)> _persists = [];
    private readonly List<DagOperation> _operations = [];

    /// <summary>Starts a DAG that <see cref="ExecuteAsync"/> runs on <paramref name="store"/>.</summary>
    /// <param name="store">The store that runs the DAG (through <see cref="IAiStore.ExecuteDagAsync"/>).</param>
    /// <param name="readOnly">Whether the DAG is read-only (AI.DAGEXECUTE_RO).</param>
    public DagBuilder(IAiStore store, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        IsReadOnly = readOnly;
    }

    /// <summary>Whether this is a read-only DAG (AI.DAGEXECUTE_RO): no <see cref="Persist"/>, no scripts.</summary>
    public bool IsReadOnly { get; }

    /// <summary>The timeout of the whole DAG; <see langword="null"/> for the store's default execution timeout.</summary>
    public TimeSpan? Timeout { get; private set; }

    internal IReadOnlyList<string> Loads => _loads;

    internal IReadOnlyList<(string Key, KeyExpiry Expiry)> Persists => _persists;

    internal IReadOnlyList<DagOperation> Operations => _operations;

    /// <summary>Brings store tensors into the DAG under their own names (read when the DAG starts).</summary>
    public DagBuilder Load(params IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (string key in keys)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            _loads.Add(key);
        }

        return this;
    }

    /// <summary>Writes the final version of a local tensor back to the store when the DAG succeeds.</summary>
    /// <param name="key">The local name, which is also the store key.</param>
    /// <param name="expiry">The key's expiry after the write (default: none).</param>
    public DagBuilder Persist(string key, KeyExpiry expiry = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _persists.Add((key, expiry));
        return this;
    }

    /// <summary>Limits the whole DAG to <paramref name="timeout"/>; a DAG that overruns it fails with <see cref="AiTimeoutException"/>.</summary>
    public DagBuilder WithTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Timeout = timeout;
        return this;
    }

    /// <summary>Sets a local tensor (AI.TENSORSET inside a DAG).</summary>
    public DagBuilder SetTensor(string name, AiTensor tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(tensor);
        _operations.Add(new DagOperation(DagOperationKind.SetTensor, null, null, [], [name], tensor));
        return this;
    }

    /// <summary>Returns a local tensor, as it is at this point of the DAG, in <see cref="DagResult.Tensors"/>.</summary>
    public DagBuilder GetTensor(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _operations.Add(new DagOperation(DagOperationKind.GetTensor, null, null, [name], []));
        return this;
    }

    /// <summary>
    /// Runs a stored model on local tensors, producing local tensors (AI.MODELEXECUTE inside a DAG): one input name per
    /// model input and one output name per model output, in the model's order.
    /// </summary>
    public DagBuilder ExecuteModel(string key, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _operations.Add(new DagOperation(DagOperationKind.ExecuteModel, key, null, CheckNames(inputs), CheckNames(outputs)));
        return this;
    }

    /// <summary>
    /// Runs a stored model with its inputs and outputs bound by the model's own names, whatever order the model
    /// declares them in: <paramref name="inputs"/> maps every model input name to the local tensor it reads,
    /// <paramref name="outputs"/> maps the model outputs to keep to the local names they take (outputs not listed are
    /// dropped).
    /// </summary>
    /// <remarks>The names are checked against the model when the DAG runs, before any operation starts.</remarks>
    public DagBuilder ExecuteModel(string key, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> outputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _operations.Add(new DagOperation(
            DagOperationKind.ExecuteModel, key, null, [], [], InputsByName: CheckNames(inputs), OutputsByName: CheckNames(outputs)));
        return this;
    }

    /// <summary>Runs a stored script's entry point on local tensors (AI.SCRIPTEXECUTE inside a DAG).</summary>
    public DagBuilder ExecuteScript(
        string key, string function, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        IReadOnlyList<string>? keys = null, IReadOnlyList<ScriptArgument>? args = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(function);
        _operations.Add(new DagOperation(
            DagOperationKind.ExecuteScript, key, function, CheckNames(inputs), CheckNames(outputs), null, keys is null ? [] : [.. keys], args is null ? [] : [.. args]));
        return this;
    }

    /// <summary>
    /// Validates the DAG, runs it and persists its results. Nothing runs if validation fails; nothing is written
    /// unless every operation succeeds.
    /// </summary>
    /// <exception cref="AiArgumentException">The DAG is empty, reads a name nothing provides, persists a name nothing produces, or is read-only and persists or runs a script.</exception>
    /// <exception cref="AiKeyNotFoundException">A loaded key, model or script does not exist.</exception>
    /// <exception cref="AiWrongTypeException">A loaded or persisted key, model or script key holds another kind of value.</exception>
    /// <exception cref="AiDagException">An operation failed; it names the operation.</exception>
    /// <exception cref="AiTimeoutException">The DAG overran its timeout.</exception>
    public Task<DagResult> ExecuteAsync(CancellationToken cancellationToken = default) => _store.ExecuteDagAsync(this, cancellationToken);

    private static string[] CheckNames(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (string name in names)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
        }

        return [.. names];
    }

    private static Dictionary<string, string> CheckNames(IReadOnlyDictionary<string, string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var copy = new Dictionary<string, string>(names.Count, StringComparer.Ordinal);
        foreach (var (name, local) in names)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentException.ThrowIfNullOrEmpty(local);
            copy[name] = local;
        }

        return copy;
    }
}
