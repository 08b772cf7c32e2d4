using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RedisAI.Backends;

namespace RedisAI;

/// <summary>
/// The in-process inference store. Create one per application (or register it with dependency injection),
/// register the backends it should use, and dispose it at shutdown.
/// </summary>
/// <remarks>Thread-safe: see <see cref="IAiStore"/>.</remarks>
public sealed partial class AiStore : IAiStore
{
    private readonly Keyspace _keyspace;
    private readonly ExecutionEngine _engine;
    private readonly StoredValueCompiler _compiler;
    private readonly CallResolver _calls;
    private readonly DagExecutor _dags;
    private readonly StoreRestorer _restorer;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Creates a store.</summary>
    /// <param name="options">Settings; validated now.</param>
    /// <param name="backends">The model backends to offer (for example <c>new OnnxRuntimeBackend()</c>).</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="timeProvider">The clock for expiry and timeouts; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="meterFactory">Creates the store's <see cref="Meter"/>; a standalone meter when null.</param>
    /// <exception cref="AiArgumentException">The options are invalid, or two backends share a name.</exception>
    public AiStore(AiStoreOptions? options = null, IEnumerable<IModelBackend>? backends = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        options ??= new AiStoreOptions();
        options.Validate();
        TimeProvider time = TimeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<AiStore>();
        _keyspace = new Keyspace(time, options.ExpirySweepInterval, _logger);
        _engine = new ExecutionEngine(options, _keyspace, time, meterFactory, _logger);
        try
        {
            _compiler = new StoredValueCompiler(backends, options, _engine);
        }
        catch
        {
            _engine.Dispose();
            _keyspace.Dispose();
            throw;
        }

        _calls = new CallResolver(_keyspace, this);
        _dags = new DagExecutor(_keyspace, _calls, _engine);
        _restorer = new StoreRestorer(_keyspace, _compiler, _engine, time);
    }

    /// <summary>Creates a store from options in the <see cref="IOptions{TOptions}"/> pattern.</summary>
    /// <exception cref="AiArgumentException">The options are invalid, or two backends share a name.</exception>
    public AiStore(IOptions<AiStoreOptions> options, IEnumerable<IModelBackend> backends, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
        : this(options?.Value, backends, loggerFactory, timeProvider, meterFactory)
    {
    }

    /// <summary>Creates a store with default options and the given backends.</summary>
    public AiStore(params IModelBackend[] backends)
        : this((AiStoreOptions?)null, backends)
    {
    }

    /// <summary>The clock the store measures expiry and timeouts on; what persistence uses by default too.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The names of the registered backends.</summary>
    public IReadOnlyCollection<string> Backends => _compiler.ModelBackends;

    /// <inheritdoc />
    public bool Exists(string key) => _keyspace.Get(CheckKey(key)) is not null;

    /// <inheritdoc />
    public KeyType? GetKeyType(string key) => _keyspace.Get(CheckKey(key))?.Type;

    /// <inheritdoc />
    public bool Delete(string key) => _keyspace.Remove(CheckKey(key), null);

    /// <inheritdoc />
    public bool DeleteTensor(string key) => _keyspace.Remove(CheckKey(key), KeyType.Tensor);

    /// <inheritdoc />
    public bool DeleteModel(string key) => _keyspace.Remove(CheckKey(key), KeyType.Model);

    /// <inheritdoc />
    public bool Expire(string key, TimeSpan timeToLive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        return _keyspace.SetExpiry(CheckKey(key), timeToLive);
    }

    /// <inheritdoc />
    public bool Persist(string key) => _keyspace.SetExpiry(CheckKey(key), null);

    /// <inheritdoc />
    public TimeSpan? GetTimeToLive(string key)
    {
        var entry = _keyspace.Get(CheckKey(key));
        return entry is { HasExpiry: true } ? TimeSpan.FromTicks(entry.ExpiresAtTicks - _keyspace.NowTicks) : null;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Scan(string pattern = "*", KeyType? type = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return _keyspace.Scan(pattern, type);
    }

    /// <inheritdoc />
    public MemoryUsage GetMemoryUsage() => _keyspace.GetMemoryUsage();

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> GetQueueLengths() => _engine.GetQueueLengths();

    /// <inheritdoc />
    public void SetTensor(string key, AiTensor tensor, KeyExpiry expiry = default)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _keyspace.Set(CheckKey(key), KeyType.Tensor, tensor, tensor.ByteCount, expiry);
    }

    /// <inheritdoc />
    public AiTensor GetTensor(string key) =>
        (AiTensor)(_keyspace.GetOfType(CheckKey(key), KeyType.Tensor) ?? throw CallResolver.NotFound(key, "tensor")).Value;

    /// <inheritdoc />
    public bool TryGetTensor(string key, [NotNullWhen(true)] out AiTensor? tensor)
    {
        var entry = _keyspace.Get(CheckKey(key));
        if (entry is null)
        {
            tensor = null;
            return false;
        }

        tensor = entry.Type == KeyType.Tensor ? (AiTensor)entry.Value : throw new AiWrongTypeException(key, KeyType.Tensor, entry.Type);
        return true;
    }

    /// <inheritdoc />
    public ModelInfo StoreModel(string key, ReadOnlyMemory<byte> model, ModelOptions options)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfDisposed();

        // Fail on a key of another kind before the (possibly slow) compile; checked again atomically when storing.
        _keyspace.EnsureWritable(key, KeyType.Model);
        StoredModel stored = _compiler.CompileModel(key, model.ToArray(), options);
        try
        {
            _keyspace.Set(key, KeyType.Model, stored, stored.Info.Blob.Length, KeyExpiry.None);
        }
        catch
        {
            stored.Release();
            throw;
        }

        _engine.GetQueue(options.Device);
        LogModelStored(_logger, key, stored.Info.Backend, options.Device, stored.Info.Blob.Length);
        return stored.Info;
    }

    /// <inheritdoc />
    public async Task<ModelInfo> StoreModelFromFileAsync(string key, string path, ModelOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AiArgumentException($"cannot read model file '{path}' for key '{key}': {ex.Message}", ex);
        }

        return StoreModel(key, bytes, options);
    }

    /// <inheritdoc />
    public ModelInfo GetModel(string key) =>
        ((StoredModel)(_keyspace.GetOfType(CheckKey(key), KeyType.Model) ?? throw CallResolver.NotFound(key, "model")).Value).Info;

    /// <inheritdoc />
    public void ExecuteModel(string key, IReadOnlyList<string> inputKeys, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null) =>
        _engine.Execute(_calls.ModelByKeys(CheckCall(key), inputKeys, outputKeys), timeout);

    /// <inheritdoc />
    public void ExecuteModel(string key, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> outputs, TimeSpan? timeout = null) =>
        _engine.Execute(_calls.ModelByNames(CheckCall(key), inputs, outputs), timeout);

    /// <inheritdoc />
    public Task ExecuteModelAsync(string key, IReadOnlyList<string> inputKeys, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _engine.SubmitAsync(_calls.ModelByKeys(CheckCall(key), inputKeys, outputKeys), timeout, cancellationToken);

    /// <inheritdoc />
    public Task ExecuteModelAsync(string key, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> outputs, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _engine.SubmitAsync(_calls.ModelByNames(CheckCall(key), inputs, outputs), timeout, cancellationToken);

    /// <inheritdoc />
    public AiTensor[] RunModel(string key, ReadOnlySpan<AiTensor> inputs, TimeSpan? timeout = null) =>
        _engine.Execute(_calls.ModelOnTensors(CheckCall(key), inputs.ToArray()), timeout);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, AiTensor> RunModel(string key, IReadOnlyDictionary<string, AiTensor> inputs, TimeSpan? timeout = null)
    {
        ModelCall call = _calls.ModelOnNamedTensors(CheckCall(key), inputs);
        ModelInfo model = call.Model.Info;
        return ModelBinding.ToNames(model, _engine.Execute(call, timeout));
    }

    /// <inheritdoc />
    public Task<AiTensor[]> RunModelAsync(string key, IReadOnlyList<AiTensor> inputs, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return _engine.SubmitAsync(_calls.ModelOnTensors(CheckCall(key), [.. inputs]), timeout, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, AiTensor>> RunModelAsync(string key, IReadOnlyDictionary<string, AiTensor> inputs, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ModelCall call = _calls.ModelOnNamedTensors(CheckCall(key), inputs);
        ModelInfo model = call.Model.Info;
        return ModelBinding.ToNames(model, await _engine.SubmitAsync(call, timeout, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public RunInfo GetRunInfo(string key) => GetStatisticsOwner(key).GetRunInfo();

    /// <inheritdoc />
    public void ResetRunStatistics(string key) => GetStatisticsOwner(key).Statistics.Reset();

    /// <summary>Deletes every key.</summary>
    public void Clear() => _keyspace.Clear();

    /// <summary>
    /// Cancels queued and running executions (their callers get <see cref="OperationCanceledException"/>), stops the
    /// run queues and releases every model.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _engine.Dispose();
        _keyspace.Dispose();
    }

    private IRunStatisticsOwner GetStatisticsOwner(string key) =>
        _keyspace.Get(CheckKey(key))?.Value as IRunStatisticsOwner
            ?? throw new AiKeyNotFoundException(key, $"cannot find run info for key '{key}': it holds no model or script");

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed != 0, this);

    /// <summary>Checks the key of a model or script call, and that the store still runs calls.</summary>
    private string CheckCall(string key)
    {
        CheckKey(key);
        ThrowIfDisposed();
        return key;
    }

    private static string CheckKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return key;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored model {Key} ({Backend} on {Device}, {Bytes} bytes)")]
    private static partial void LogModelStored(ILogger logger, string key, string backend, Device device, int bytes);
}
