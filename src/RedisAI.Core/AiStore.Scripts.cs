using System.Text;
using Microsoft.Extensions.Logging;

namespace RedisAI;

public sealed partial class AiStore
{
    /// <summary>The names of the registered script backends (.NET scripts need none).</summary>
    public IReadOnlyCollection<string> ScriptBackends => _compiler.ScriptBackends;

    /// <inheritdoc />
    public ScriptInfo StoreScript(string key, string source, ScriptOptions options)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfDisposed();
        options.Validate();

        // Fail on a key of another kind before the (possibly slow) compile; checked again atomically when storing.
        _keyspace.EnsureWritable(key, KeyType.Script);
        StoredScript stored = _compiler.CompileScript(key, source, options);
        return Put(stored, Encoding.UTF8.GetByteCount(source));
    }

    /// <inheritdoc />
    public ScriptInfo StoreScript(string key, DotNetScript script, Device? device = null, string? tag = null)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(script);
        ThrowIfDisposed();
        _keyspace.EnsureWritable(key, KeyType.Script);
        var info = new ScriptInfo(key, DotNetScript.BackendName, device ?? Device.Cpu, tag ?? string.Empty, script.EntryPoints, string.Empty);
        return Put(new StoredScript(info, new DotNetCompiledScript(script)), 0);
    }

    /// <inheritdoc />
    public ScriptInfo GetScript(string key) =>
        ((StoredScript)(_keyspace.GetOfType(CheckKey(key), KeyType.Script) ?? throw CallResolver.NotFound(key, "script")).Value).Info;

    /// <inheritdoc />
    public bool DeleteScript(string key) => _keyspace.Remove(CheckKey(key), KeyType.Script);

    /// <inheritdoc />
    public void ExecuteScript(
        string key, string entryPoint, IReadOnlyList<string> keys, IReadOnlyList<string> inputKeys,
        IReadOnlyList<ScriptArgument> args, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null) =>
        _engine.Execute(_calls.ScriptByKeys(CheckCall(key), entryPoint, keys, inputKeys, args, outputKeys), timeout);

    /// <inheritdoc />
    public Task ExecuteScriptAsync(
        string key, string entryPoint, IReadOnlyList<string> keys, IReadOnlyList<string> inputKeys,
        IReadOnlyList<ScriptArgument> args, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        _engine.SubmitAsync(_calls.ScriptByKeys(CheckCall(key), entryPoint, keys, inputKeys, args, outputKeys), timeout, cancellationToken);

    /// <inheritdoc />
    public AiTensor[] RunScript(
        string key, string entryPoint, ReadOnlySpan<AiTensor> inputs, IReadOnlyList<string>? keys = null,
        IReadOnlyList<ScriptArgument>? args = null, TimeSpan? timeout = null) =>
        _engine.Execute(_calls.ScriptOnTensors(CheckCall(key), entryPoint, inputs.ToArray(), keys, args), timeout);

    /// <inheritdoc />
    public Task<AiTensor[]> RunScriptAsync(
        string key, string entryPoint, IReadOnlyList<AiTensor> inputs, IReadOnlyList<string>? keys = null,
        IReadOnlyList<ScriptArgument>? args = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return _engine.SubmitAsync(_calls.ScriptOnTensors(CheckCall(key), entryPoint, [.. inputs], keys, args), timeout, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored script {Key} ({Backend} on {Device}, {EntryPoints} entry points)")]
    private static partial void LogScriptStored(ILogger logger, string key, string backend, Device device, int entryPoints);
}
