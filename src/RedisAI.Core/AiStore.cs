using System.Diagnostics;
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
    private readonly Dictionary<string, IModelBackend> _backends = new(StringComparer.OrdinalIgnoreCase);
    private readonly AiStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StoreMetrics _metrics;

    // Cancelled by Dispose: stops running and queued executions so shutdown never waits on a long model.
    private readonly CancellationTokenSource _shutdown = new();
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
        _options = options ?? new AiStoreOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<AiStore>();
        foreach (var backend in backends ?? [])
        {
            if (!_backends.TryAdd(backend.Name, backend))
            {
                throw new AiArgumentException($"two backends are named '{backend.Name}'");
            }

            if (backend is IScriptBackend scriptBackend)
            {
                _scriptBackends[scriptBackend.Name] = scriptBackend;
            }
        }

        _keyspace = new Keyspace(_time, _options.ExpirySweepInterval);
        _engine = new ExecutionEngine(_options, _logger);
        _metrics = new StoreMetrics(meterFactory, QueueLengthMeasurements);
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

    /// <summary>The names of the registered backends.</summary>
    public IReadOnlyCollection<string> Backends => _backends.Keys;

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
        (AiTensor)(_keyspace.GetOfType(CheckKey(key), KeyType.Tensor) ?? throw new AiKeyNotFoundException(key, $"tensor key is empty: '{key}' does not exist")).Value;

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

        // Fail on a key of another kind before the (possibly slow) compile; checked again atomically when storing.
        _keyspace.EnsureWritable(key, KeyType.Model);
        StoredModel stored = PrepareModel(key, model.ToArray(), options);
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

    /// <summary>
    /// Compiles a model into the value the keyspace holds, without storing it. The caller owns the result until it
    /// is stored, and releases it on failure.
    /// </summary>
    private StoredModel PrepareModel(string key, byte[] blob, ModelOptions options)
    {
        options.Validate();
        if (!_backends.TryGetValue(options.Backend, out var backend))
        {
            throw new AiStoreException(
                AiErrorCode.BackendNotFound,
                $"unsupported backend '{options.Backend}' for model '{key}'; registered backends: {(_backends.Count == 0 ? "none" : string.Join(", ", _backends.Keys))}");
        }

        var context = new ModelLoadContext(key, options.Device, options.Inputs, options.Outputs, _options.IntraOpThreads, _options.InterOpThreads);
        ICompiledModel compiledModel = Compile(backend, key, blob, context);
        var info = new ModelInfo(
            key, backend.Name.ToUpperInvariant(), options.Device, options.Tag, options.BatchSize, options.MinBatchSize,
            options.MinBatchTimeout, compiledModel.Inputs, compiledModel.Outputs, blob);
        var stored = new StoredModel(info, compiledModel);
        if (options.BatchSize > 0)
        {
            try
            {
                stored.Batcher = new ModelBatcher(this, stored, _engine.GetQueue(options.Device), _time);
            }
            catch
            {
                stored.Release();
                throw;
            }
        }

        return stored;
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
    public ModelInfo GetModel(string key) => GetStoredModel(CheckKey(key)).Info;

    /// <inheritdoc />
    public void ExecuteModel(string key, IReadOnlyList<string> inputKeys, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null)
    {
        (StoredModel model, AiTensor[] inputs) = PrepareKeyedCall(key, inputKeys, outputKeys);
        ExecuteOnCaller(model, inputs, outputKeys, timeout);
    }

    /// <inheritdoc />
    public Task ExecuteModelAsync(string key, IReadOnlyList<string> inputKeys, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        (StoredModel model, AiTensor[] inputs) = PrepareKeyedCall(key, inputKeys, outputKeys);
        return Submit(model, inputs, outputKeys, timeout, cancellationToken);
    }

    /// <inheritdoc />
    public AiTensor[] RunModel(string key, ReadOnlySpan<AiTensor> inputs, TimeSpan? timeout = null)
    {
        StoredModel model = AcquireModel(CheckKey(key));
        try
        {
            InputValidator.Validate(model.Info, inputs, null);
        }
        catch
        {
            model.Release();
            throw;
        }

        return ExecuteOnCaller(model, inputs.ToArray(), null, timeout);
    }

    /// <inheritdoc />
    public Task<AiTensor[]> RunModelAsync(string key, IReadOnlyList<AiTensor> inputs, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        StoredModel model = AcquireModel(CheckKey(key));
        AiTensor[] copy = [.. inputs];
        try
        {
            InputValidator.Validate(model.Info, copy, null);
        }
        catch
        {
            model.Release();
            throw;
        }

        return Submit(model, copy, null, timeout, cancellationToken);
    }

    /// <inheritdoc />
    public RunInfo GetRunInfo(string key)
    {
        var entry = _keyspace.Get(CheckKey(key));
        return entry?.Value is IRunStatisticsOwner owner
            ? owner.GetRunInfo()
            : throw new AiKeyNotFoundException(key, $"cannot find run info for key '{key}': it holds no model or script");
    }

    /// <inheritdoc />
    public void ResetRunStatistics(string key)
    {
        var entry = _keyspace.Get(CheckKey(key));
        if (entry?.Value is not IRunStatisticsOwner owner)
        {
            throw new AiKeyNotFoundException(key, $"cannot find run info for key '{key}': it holds no model or script");
        }

        owner.Statistics.Reset();
    }

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

        _shutdown.Cancel();
        _engine.Dispose();
        _keyspace.Dispose();
        _metrics.Dispose();
        _shutdown.Dispose();
    }

    private ExecutionDeadline StartDeadline(TimeSpan? timeout, CancellationToken cancellationToken) =>
        ExecutionDeadline.Start(timeout ?? _options.DefaultExecutionTimeout, _time, _shutdown.Token, cancellationToken);

    private IEnumerable<Measurement<int>> QueueLengthMeasurements()
    {
        foreach (var (device, length) in _engine.GetQueueLengths())
        {
            yield return new Measurement<int>(length, new KeyValuePair<string, object?>("redisai.device", device));
        }
    }

    internal AiTensor[] RunAndPublish(StoredModel model, AiTensor[] inputs, IReadOnlyList<string>? outputKeys, CancellationToken cancellationToken)
    {
        AiTensor[] outputs = Run(model, inputs, [inputs.Length > 0 ? inputs[0].RowCount : 0], cancellationToken);
        Publish(outputKeys, outputs);
        return outputs;
    }

    /// <summary>Runs a batch formed by a <see cref="ModelBatcher"/>; each member's statistics get the batch's time.</summary>
    internal AiTensor[] RunBatch(StoredModel model, AiTensor[] inputs, ReadOnlySpan<long> memberRows)
    {
        _metrics.RecordBatch(inputs[0].RowCount);
        return Run(model, inputs, memberRows, CancellationToken.None);
    }

    /// <summary>Writes a keyed call's outputs, all or none; does nothing for a direct call.</summary>
    internal void Publish(IReadOnlyList<string>? outputKeys, AiTensor[] outputs)
    {
        if (outputKeys is not null)
        {
            string[] keys = outputKeys as string[] ?? [.. outputKeys];
            _keyspace.SetMany(keys, outputs, KeyExpiry.None);
        }
    }

    private AiTensor[] Run(StoredModel model, ReadOnlySpan<AiTensor> inputs, ReadOnlySpan<long> memberRows, CancellationToken cancellationToken)
    {
        using Activity? activity = AiStoreTelemetry.ActivitySource.StartActivity("redisai.model.execute");
        activity?.SetTag("redisai.key", model.Key);
        activity?.SetTag("redisai.backend", model.Info.Backend);
        activity?.SetTag("redisai.device", model.Info.Device.ToString());
        activity?.SetTag("redisai.batch.members", memberRows.Length);
        var outputs = new AiTensor[model.Info.Outputs.Count];
        long started = _time.GetTimestamp();
        try
        {
            model.Compiled.Run(inputs, outputs, new RunContext(model.Key, cancellationToken));
            for (int i = 0; i < outputs.Length; i++)
            {
                if (outputs[i] is null)
                {
                    throw new AiBackendException(AiErrorCode.ExecutionFailed, $"model '{model.Key}' ({model.Info.Backend}) did not produce output {i} ('{model.Info.Outputs[i].Name}')");
                }
            }
        }
        catch (OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw;
        }
        catch (Exception ex)
        {
            TimeSpan failed = _time.GetElapsedTime(started);
            foreach (long _ in memberRows)
            {
                model.Statistics.RecordError(failed);
            }

            _metrics.RecordExecution(model.Key, KeyType.Model, model.Info.Backend, model.Info.Device, failed, ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            if (ex is AiStoreException)
            {
                throw;
            }

            throw new AiBackendException(AiErrorCode.ExecutionFailed, $"model '{model.Key}' ({model.Info.Backend}) failed: {ex.Message}", ex);
        }

        TimeSpan elapsed = _time.GetElapsedTime(started);
        foreach (long rows in memberRows)
        {
            model.Statistics.RecordSuccess(elapsed, outputs.Length > 0 && memberRows.Length == 1 ? outputs[0].RowCount : rows);
        }

        _metrics.RecordExecution(model.Key, KeyType.Model, model.Info.Backend, model.Info.Device, elapsed, null);
        return outputs;
    }

    /// <summary>Runs a call on the caller's thread, holding one of the device's slots; batched models go through their batcher.</summary>
    private AiTensor[] ExecuteOnCaller(StoredModel model, AiTensor[] inputs, IReadOnlyList<string>? outputKeys, TimeSpan? timeout)
    {
        if (model.Batcher is not null)
        {
            return Submit(model, inputs, outputKeys, timeout, CancellationToken.None).GetAwaiter().GetResult();
        }

        return RunOnCaller(
            model, model.Info.Device, timeout, (Store: this, Model: model, Inputs: inputs, OutputKeys: outputKeys),
            static (call, token) => call.Store.RunAndPublish(call.Model, call.Inputs, call.OutputKeys, token));
    }

    /// <summary>
    /// Runs an execution on the caller's thread in one of the device's slots, under a deadline. Takes over the
    /// caller's reference to <paramref name="target"/>.
    /// </summary>
    private AiTensor[] RunOnCaller<TCall>(SharedValue target, Device device, TimeSpan? timeout, TCall call, Func<TCall, CancellationToken, AiTensor[]> run)
    {
        try
        {
            DeviceQueue queue = _engine.GetQueue(device);
            using var deadline = StartDeadline(timeout, CancellationToken.None);
            queue.EnterSlot();
            try
            {
                return run(call, deadline.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw deadline.Translate(ex, target.Description);
            }
            finally
            {
                queue.ExitSlot();
            }
        }
        finally
        {
            target.Release();
        }
    }

    /// <summary>Queues a call on its device (or its model's batcher). Takes over the caller's model reference.</summary>
    private Task<AiTensor[]> Submit(StoredModel model, AiTensor[] inputs, IReadOnlyList<string>? outputKeys, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var item = new ModelRunWorkItem(this, model, inputs, outputKeys, StartDeadlineFor(model, timeout, cancellationToken), _time.GetTimestamp());
        if (model.Batcher is { } batcher)
        {
            batcher.Add(item);
            return item.Task;
        }

        return EnqueueAsync(item, model.Info.Device);
    }

    /// <summary>Starts a call's deadline; on an invalid timeout, releases the call's reference before throwing.</summary>
    private ExecutionDeadline StartDeadlineFor(SharedValue target, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        try
        {
            return StartDeadline(timeout, cancellationToken);
        }
        catch
        {
            target.Release();
            throw;
        }
    }

    private async Task<AiTensor[]> EnqueueAsync(ExecutionWorkItem item, Device device)
    {
        try
        {
            await _engine.GetQueue(device).EnqueueAsync(item, item.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            item.Fail(ex);
        }

        return await item.Task.ConfigureAwait(false);
    }

    /// <summary>Acquires the model and resolves and checks a keyed call; the caller owns the model reference on success.</summary>
    private (StoredModel Model, AiTensor[] Inputs) PrepareKeyedCall(string key, IReadOnlyList<string> inputKeys, IReadOnlyList<string> outputKeys)
    {
        StoredModel model = AcquireModel(CheckKey(key));
        try
        {
            return (model, ResolveKeyedCall(model, inputKeys, outputKeys));
        }
        catch
        {
            model.Release();
            throw;
        }
    }

    private AiTensor[] ResolveKeyedCall(StoredModel model, IReadOnlyList<string> inputKeys, IReadOnlyList<string> outputKeys)
    {
        ArgumentNullException.ThrowIfNull(inputKeys);
        ArgumentNullException.ThrowIfNull(outputKeys);
        InputValidator.ValidateCounts(model.Info, inputKeys.Count, outputKeys.Count);
        var inputs = new AiTensor[inputKeys.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            string inputKey = CheckKey(inputKeys[i]);
            inputs[i] = (AiTensor)(_keyspace.GetOfType(inputKey, KeyType.Tensor)
                ?? throw new AiKeyNotFoundException(inputKey, $"tensor key is empty: input {i} of model '{model.Key}', key '{inputKey}', does not exist")).Value;
        }

        foreach (string outputKey in outputKeys)
        {
            _keyspace.EnsureWritable(CheckKey(outputKey), KeyType.Tensor);
        }

        InputValidator.Validate(model.Info, inputs, inputKeys);
        return inputs;
    }

    private StoredModel GetStoredModel(string key) =>
        (StoredModel)(_keyspace.GetOfType(key, KeyType.Model) ?? throw new AiKeyNotFoundException(key, $"model key is empty: '{key}' does not exist")).Value;

    private StoredModel AcquireModel(string key)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        while (true)
        {
            StoredModel model = GetStoredModel(key);
            if (model.TryAcquire())
            {
                return model;
            }

            // Replaced or deleted between the lookup and the acquire: look again.
        }
    }

    private static ICompiledModel Compile(IModelBackend backend, string key, byte[] blob, ModelLoadContext context)
    {
        try
        {
            return backend.Load(blob, context);
        }
        catch (Exception ex) when (ex is not AiStoreException)
        {
            throw new AiBackendException(AiErrorCode.InvalidModel, $"backend {backend.Name} could not load model '{key}': {ex.Message}", ex);
        }
    }

    private static string CheckKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return key;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored model {Key} ({Backend} on {Device}, {Bytes} bytes)")]
    private static partial void LogModelStored(ILogger logger, string key, string backend, Device device, int bytes);
}
