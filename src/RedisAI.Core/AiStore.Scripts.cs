using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using RedisAI.Backends;

namespace RedisAI;

public sealed partial class AiStore
{
    // Filled by the constructor with every registered backend that also implements IScriptBackend.
    private readonly Dictionary<string, IScriptBackend> _scriptBackends = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names of the registered script backends (.NET scripts need none).</summary>
    public IReadOnlyCollection<string> ScriptBackends => _scriptBackends.Keys;

    /// <inheritdoc />
    public ScriptInfo StoreScript(string key, string source, ScriptOptions options)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        // Fail on a key of another kind before the (possibly slow) compile; checked again atomically when storing.
        _keyspace.EnsureWritable(key, KeyType.Script);
        StoredScript stored = PrepareScript(key, source, options);
        return Put(stored, Encoding.UTF8.GetByteCount(source));
    }

    /// <inheritdoc />
    public ScriptInfo StoreScript(string key, DotNetScript script, Device? device = null, string? tag = null)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(script);
        _keyspace.EnsureWritable(key, KeyType.Script);
        var info = new ScriptInfo(key, DotNetScript.BackendName, device ?? Device.Cpu, tag ?? string.Empty, script.EntryPoints, string.Empty);
        return Put(new StoredScript(info, new DotNetCompiledScript(script)), 0);
    }

    /// <inheritdoc />
    public ScriptInfo GetScript(string key) => GetStoredScript(CheckKey(key)).Info;

    /// <inheritdoc />
    public bool DeleteScript(string key) => _keyspace.Remove(CheckKey(key), KeyType.Script);

    /// <inheritdoc />
    public void ExecuteScript(
        string key, string entryPoint, IReadOnlyList<string> keys, IReadOnlyList<string> inputKeys,
        IReadOnlyList<ScriptArgument> args, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null)
    {
        ScriptCall call = PrepareKeyedScriptCall(key, entryPoint, keys, inputKeys, args, outputKeys);
        ExecuteScriptOnCaller(call, timeout);
    }

    /// <inheritdoc />
    public Task ExecuteScriptAsync(
        string key, string entryPoint, IReadOnlyList<string> keys, IReadOnlyList<string> inputKeys,
        IReadOnlyList<ScriptArgument> args, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ScriptCall call = PrepareKeyedScriptCall(key, entryPoint, keys, inputKeys, args, outputKeys);
        return SubmitScript(call, timeout, cancellationToken);
    }

    /// <inheritdoc />
    public AiTensor[] RunScript(
        string key, string entryPoint, ReadOnlySpan<AiTensor> inputs, IReadOnlyList<string>? keys = null,
        IReadOnlyList<ScriptArgument>? args = null, TimeSpan? timeout = null)
    {
        ScriptCall call = PrepareDirectScriptCall(key, entryPoint, inputs.ToArray(), keys, args);
        return ExecuteScriptOnCaller(call, timeout);
    }

    /// <inheritdoc />
    public Task<AiTensor[]> RunScriptAsync(
        string key, string entryPoint, IReadOnlyList<AiTensor> inputs, IReadOnlyList<string>? keys = null,
        IReadOnlyList<ScriptArgument>? args = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ScriptCall call = PrepareDirectScriptCall(key, entryPoint, [.. inputs], keys, args);
        return SubmitScript(call, timeout, cancellationToken);
    }

    /// <summary>Runs a script call and writes its outputs (keyed calls); the caller holds the script's reference.</summary>
    internal AiTensor[] RunScriptAndPublish(ScriptCall call, CancellationToken cancellationToken)
    {
        AiTensor[] outputs = RunScriptCall(call, cancellationToken);
        if (call.OutputKeys is { Count: > 0 } outputKeys)
        {
            // RedisAI: zero OUTPUTS discards the result; otherwise the counts must match exactly.
            if (outputs.Length != outputKeys.Count)
            {
                throw new AiBackendException(
                    AiErrorCode.ExecutionFailed,
                    $"Function returned unexpected number of outputs - {call.Function}: script '{call.Script.Key}' returned {outputs.Length} tensor(s), {outputKeys.Count} OUTPUTS key(s) given");
            }

            Publish(outputKeys, outputs);
        }

        return outputs;
    }

    /// <summary>
    /// Validates and compiles a script without storing it (snapshot restore uses this too). The caller owns the
    /// returned reference.
    /// </summary>
    internal StoredScript PrepareScript(string key, string source, ScriptOptions options)
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
                $"unsupported backend '{options.Backend}' for script '{key}'; registered script backends: {(_scriptBackends.Count == 0 ? "none" : string.Join(", ", _scriptBackends.Keys))} (.NET scripts are stored with StoreScript(key, DotNetScript))");
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

    private ScriptInfo Put(StoredScript stored, long sizeInBytes)
    {
        try
        {
            _keyspace.Set(stored.Key, KeyType.Script, stored, sizeInBytes, KeyExpiry.None);
        }
        catch
        {
            stored.Release();
            throw;
        }

        ScriptInfo info = stored.Info;
        _engine.GetQueue(info.Device);
        LogScriptStored(_logger, info.Key, info.Backend, info.Device, info.EntryPoints.Count);
        return info;
    }

    private ScriptCall PrepareKeyedScriptCall(
        string key, string entryPoint, IReadOnlyList<string> keys, IReadOnlyList<string> inputKeys,
        IReadOnlyList<ScriptArgument> args, IReadOnlyList<string> outputKeys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(inputKeys);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(outputKeys);
        StoredScript script = AcquireScript(CheckKey(key), entryPoint);
        try
        {
            var inputs = new AiTensor[inputKeys.Count];
            for (int i = 0; i < inputs.Length; i++)
            {
                string inputKey = CheckKey(inputKeys[i]);
                inputs[i] = (AiTensor)(_keyspace.GetOfType(inputKey, KeyType.Tensor)
                    ?? throw new AiKeyNotFoundException(inputKey, $"tensor key is empty: input {i} of script '{key}', key '{inputKey}', does not exist")).Value;
            }

            foreach (string outputKey in outputKeys)
            {
                _keyspace.EnsureWritable(CheckKey(outputKey), KeyType.Tensor);
            }

            return new ScriptCall(script, entryPoint, inputs, [.. keys], [.. args], [.. outputKeys]);
        }
        catch
        {
            script.Release();
            throw;
        }
    }

    private ScriptCall PrepareDirectScriptCall(
        string key, string entryPoint, AiTensor[] inputs, IReadOnlyList<string>? keys, IReadOnlyList<ScriptArgument>? args)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new AiArgumentException($"input {i} of script '{key}' is null");
            }
        }

        StoredScript script = AcquireScript(CheckKey(key), entryPoint);
        return new ScriptCall(script, entryPoint, inputs, keys is null ? [] : [.. keys], args is null ? [] : [.. args], null);
    }

    /// <summary>Runs a call on the caller's thread, holding one of the device's slots. Releases the call's script.</summary>
    private AiTensor[] ExecuteScriptOnCaller(ScriptCall call, TimeSpan? timeout) =>
        RunOnCaller(call.Script, call.Script.Info.Device, timeout, (Store: this, Call: call), static (state, token) => state.Store.RunScriptAndPublish(state.Call, token));

    /// <summary>Queues a call on its script's device. Takes over the call's script reference.</summary>
    private Task<AiTensor[]> SubmitScript(ScriptCall call, TimeSpan? timeout, CancellationToken cancellationToken) =>
        EnqueueAsync(new ScriptRunWorkItem(this, call, StartDeadlineFor(call.Script, timeout, cancellationToken)), call.Script.Info.Device);

    private AiTensor[] RunScriptCall(ScriptCall call, CancellationToken cancellationToken)
    {
        StoredScript script = call.Script;
        ScriptInfo info = script.Info;
        using Activity? activity = AiStoreTelemetry.ActivitySource.StartActivity("redisai.script.execute");
        activity?.SetTag("redisai.key", script.Key);
        activity?.SetTag("redisai.backend", info.Backend);
        activity?.SetTag("redisai.device", info.Device.ToString());
        activity?.SetTag("redisai.function", call.Function);
        long started = _time.GetTimestamp();
        AiTensor[] outputs;
        try
        {
            outputs = script.Compiled.Run(call.Function, call.Inputs, call.Keys, call.Args, new ScriptRunContext(script.Key, this, cancellationToken))
                ?? throw new AiBackendException(AiErrorCode.ExecutionFailed, $"script '{script.Key}' ({info.Backend}) function '{call.Function}' returned no result");
        }
        catch (OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw;
        }
        catch (Exception ex)
        {
            TimeSpan failed = _time.GetElapsedTime(started);
            script.Statistics.RecordError(failed);
            _metrics.RecordExecution(script.Key, KeyType.Script, info.Backend, info.Device, failed, ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            if (ex is AiStoreException)
            {
                throw;
            }

            throw new AiBackendException(AiErrorCode.ExecutionFailed, $"script '{script.Key}' ({info.Backend}) function '{call.Function}' failed: {ex.Message}", ex);
        }

        TimeSpan elapsed = _time.GetElapsedTime(started);
        script.Statistics.RecordSuccess(elapsed, 0);
        _metrics.RecordExecution(script.Key, KeyType.Script, info.Backend, info.Device, elapsed, null);
        return outputs;
    }

    private StoredScript GetStoredScript(string key) =>
        (StoredScript)(_keyspace.GetOfType(key, KeyType.Script) ?? throw new AiKeyNotFoundException(key, $"script key is empty: '{key}' does not exist")).Value;

    /// <summary>Takes a reference to the script under <paramref name="key"/>, whose entry points must include <paramref name="entryPoint"/>.</summary>
    private StoredScript AcquireScript(string key, string entryPoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryPoint);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        while (true)
        {
            StoredScript script = GetStoredScript(key);
            if (!script.TryAcquire())
            {
                continue; // replaced or deleted between the lookup and the acquire: look again
            }

            if (!script.IsEntryPoint(entryPoint))
            {
                script.Release();
                throw new AiArgumentException(
                    $"Function does not exist: {entryPoint} is not an entry point of script '{key}' (entry points: {string.Join(", ", script.Info.EntryPoints)})");
            }

            return script;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored script {Key} ({Backend} on {Device}, {EntryPoints} entry points)")]
    private static partial void LogScriptStored(ILogger logger, string key, string backend, Device device, int entryPoints);
}
