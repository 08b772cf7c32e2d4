using RedisAI.Backends;

namespace RedisAI;

/// <summary>
/// Compiles models and scripts through the registered backends into the values the keyspace holds, without storing
/// them (storing and snapshot restore both use it). The caller owns a returned value until it is stored, and releases
/// it on failure.
/// </summary>
internal sealed class StoredValueCompiler
{
    private readonly Dictionary<string, IModelBackend> _modelBackends = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IScriptBackend> _scriptBackends = new(StringComparer.OrdinalIgnoreCase);
    private readonly AiStoreOptions _options;
    private readonly ExecutionEngine _engine;

    /// <exception cref="AiArgumentException">Two backends share a name.</exception>
    public StoredValueCompiler(IEnumerable<IModelBackend>? backends, AiStoreOptions options, ExecutionEngine engine)
    {
        _options = options;
        _engine = engine;
        foreach (var backend in backends ?? [])
        {
            if (!_modelBackends.TryAdd(backend.Name, backend))
            {
                throw new AiArgumentException($"two backends are named '{backend.Name}'");
            }

            if (backend is IScriptBackend scriptBackend)
            {
                _scriptBackends[scriptBackend.Name] = scriptBackend;
            }
        }
    }

    public IReadOnlyCollection<string> ModelBackends => _modelBackends.Keys;

    public IReadOnlyCollection<string> ScriptBackends => _scriptBackends.Keys;

    /// <summary>Compiles a model and, with BATCHSIZE, gives it its batcher.</summary>
    public StoredModel CompileModel(string key, byte[] blob, ModelOptions options)
    {
        options.Validate();
        if (!_modelBackends.TryGetValue(options.Backend, out var backend))
        {
            throw new AiStoreException(
                AiErrorCode.BackendNotFound,
                $"unsupported backend '{options.Backend}' for model '{key}'; registered backends: {Names(_modelBackends.Keys)}");
        }

        var context = new ModelLoadContext(key, options.Device, options.Inputs, options.Outputs, _options.IntraOpThreads, _options.InterOpThreads);
        ICompiledModel compiled;
        try
        {
            compiled = backend.Load(blob, context);
        }
        catch (Exception ex) when (ex is not AiStoreException)
        {
            throw new AiBackendException(AiErrorCode.InvalidModel, $"backend {backend.Name} could not load model '{key}': {ex.Message}", ex);
        }

        var info = new ModelInfo(
            key, backend.Name.ToUpperInvariant(), options.Device, options.Tag, options.BatchSize, options.MinBatchSize,
            options.MinBatchTimeout, compiled.Inputs, compiled.Outputs, blob);
        var stored = new StoredModel(info, compiled);
        if (options.BatchSize > 0)
        {
            try
            {
                stored.Batcher = _engine.CreateBatcher(stored);
            }
            catch
            {
                stored.Release();
                throw;
            }
        }

        return stored;
    }

    /// <summary>Compiles script source on its script backend.</summary>
    public StoredScript CompileScript(string key, string source, ScriptOptions options)
    {
        options.Validate();
        if (string.IsNullOrEmpty(source))
        {
            throw new AiArgumentException($"Insufficient arguments, missing script SOURCE: the source of script '{key}' is empty");
        }

        if (!_scriptBackends.TryGetValue(options.Backend, out var backend))
        {
            throw new AiStoreException(
                AiErrorCode.BackendNotFound,
                $"unsupported backend '{options.Backend}' for script '{key}'; registered script backends: {Names(_scriptBackends.Keys)} (.NET scripts are stored with StoreScript(key, DotNetScript))");
        }

        var context = new ScriptLoadContext(key, options.Device, [.. options.EntryPoints], _options.IntraOpThreads, _options.InterOpThreads);
        ICompiledScript compiled;
        try
        {
            compiled = backend.Compile(source, context);
        }
        catch (Exception ex) when (ex is not AiStoreException)
        {
            throw new AiBackendException(AiErrorCode.InvalidModel, $"backend {backend.Name} could not compile script '{key}': {ex.Message}", ex);
        }

        var info = new ScriptInfo(key, backend.Name.ToUpperInvariant(), options.Device, options.Tag, context.EntryPoints, source);
        return new StoredScript(info, compiled);
    }

    private static string Names(IReadOnlyCollection<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}
