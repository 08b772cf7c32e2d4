using System.Diagnostics.CodeAnalysis;
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
    private int _disposed;

    /// <summary>Creates a store.</summary>
    /// <param name="options">Settings; validated now.</param>
    /// <param name="backends">The model backends to offer (for example <c>new OnnxRuntimeBackend()</c>).</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="timeProvider">The clock for expiry and timeouts; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="AiArgumentException">The options are invalid, or two backends share a name.</exception>
    public AiStore(AiStoreOptions? options = null, IEnumerable<IModelBackend>? backends = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
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
        }

        _keyspace = new Keyspace(_time, _options.ExpirySweepInterval);
        _engine = new ExecutionEngine(_options, _logger);
    }

    /// <summary>Creates a store from options in the <see cref="IOptions{TOptions}"/> pattern.</summary>
    /// <exception cref="AiArgumentException">The options are invalid, or two backends share a name.</exception>
    public AiStore(IOptions<AiStoreOptions> options, IEnumerable<IModelBackend> backends, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(options?.Value, backends, loggerFactory, timeProvider)
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
        (AiTensor)_keyspace.GetRequired(CheckKey(key), KeyType.Tensor, $"tensor key is empty: '{key}' does not exist").Value;

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
        options.Validate();
        if (!_backends.TryGetValue(options.Backend, out var backend))
        {
            throw new AiStoreException(
                AiErrorCode.BackendNotFound,
                $"unsupported backend '{options.Backend}' for model '{key}'; registered backends: {(_backends.Count == 0 ? "none" : string.Join(", ", _backends.Keys))}");
        }

        // Fail on a key of another kind before the (possibly slow) compile; checked again atomically when storing.
        _keyspace.EnsureWritable(key, KeyType.Model);
        byte[] blob = model.ToArray();
        var context = new ModelLoadContext(key, options.Device, options.Inputs, options.Outputs, _options.IntraOpThreads, _options.InterOpThreads);
        ICompiledModel compiled = Compile(backend, key, blob, context);
        var info = new ModelInfo(
            key, backend.Name.ToUpperInvariant(), options.Device, options.Tag, options.BatchSize, options.MinBatchSize,
            options.MinBatchTimeout, compiled.Inputs, compiled.Outputs, blob);
        var stored = new StoredModel(info, compiled);
        try
        {
            _keyspace.Set(key, KeyType.Model, stored, blob.Length, KeyExpiry.None);
        }
        catch
        {
            compiled.Dispose();
            throw;
        }

        _engine.GetQueue(options.Device);
        LogModelStored(_logger, key, info.Backend, options.Device, blob.Length);
        return info;
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
        StoredModel model = AcquireModel(CheckKey(key));
        try
        {
            AiTensor[] inputs = ResolveKeyedCall(model, inputKeys, outputKeys);
            using var deadline = ExecutionDeadline.Start(timeout ?? _options.DefaultExecutionTimeout, _time, CancellationToken.None);
            try
            {
                RunAndPublish(model, inputs, outputKeys, deadline.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw deadline.Translate(ex, $"model '{key}'");
            }
        }
        finally
        {
            model.Release();
        }
    }

    /// <inheritdoc />
    public Task ExecuteModelAsync(string key, IReadOnlyList<string> inputKeys, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        StoredModel model = AcquireModel(CheckKey(key));
        AiTensor[] inputs;
        try
        {
            inputs = ResolveKeyedCall(model, inputKeys, outputKeys);
        }
        catch
        {
            model.Release();
            throw;
        }

        return EnqueueAsync(model, inputs, outputKeys, timeout, cancellationToken);
    }

    /// <inheritdoc />
    public AiTensor[] RunModel(string key, ReadOnlySpan<AiTensor> inputs, TimeSpan? timeout = null)
    {
        StoredModel model = AcquireModel(CheckKey(key));
        try
        {
            InputValidator.Validate(model.Info, inputs, null);
            using var deadline = ExecutionDeadline.Start(timeout ?? _options.DefaultExecutionTimeout, _time, CancellationToken.None);
            try
            {
                return Run(model, inputs, deadline.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw deadline.Translate(ex, $"model '{key}'");
            }
        }
        finally
        {
            model.Release();
        }
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

        return EnqueueAsync(model, copy, null, timeout, cancellationToken);
    }

    /// <summary>Deletes every key.</summary>
    public void Clear() => _keyspace.Clear();

    /// <summary>Stops the run queues (queued work finishes first) and releases every model.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _engine.Dispose();
        _keyspace.Dispose();
    }

    internal AiTensor[] RunAndPublish(StoredModel model, AiTensor[] inputs, IReadOnlyList<string>? outputKeys, CancellationToken cancellationToken)
    {
        AiTensor[] outputs = Run(model, inputs, cancellationToken);
        if (outputKeys is not null)
        {
            string[] keys = outputKeys as string[] ?? [.. outputKeys];
            _keyspace.SetMany(keys, outputs, KeyExpiry.None);
        }

        return outputs;
    }

    private static AiTensor[] Run(StoredModel model, ReadOnlySpan<AiTensor> inputs, CancellationToken cancellationToken)
    {
        var outputs = new AiTensor[model.Info.Outputs.Count];
        try
        {
            model.Compiled.Run(inputs, outputs, new RunContext(model.Key, cancellationToken));
        }
        catch (Exception ex) when (ex is not (AiStoreException or OperationCanceledException))
        {
            throw new AiBackendException(AiErrorCode.ExecutionFailed, $"model '{model.Key}' ({model.Info.Backend}) failed: {ex.Message}", ex);
        }

        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputs[i] is null)
            {
                throw new AiBackendException(AiErrorCode.ExecutionFailed, $"model '{model.Key}' ({model.Info.Backend}) did not produce output {i} ('{model.Info.Outputs[i].Name}')");
            }
        }

        return outputs;
    }

    private async Task<AiTensor[]> EnqueueAsync(StoredModel model, AiTensor[] inputs, IReadOnlyList<string>? outputKeys, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ExecutionDeadline deadline;
        try
        {
            deadline = ExecutionDeadline.Start(timeout ?? _options.DefaultExecutionTimeout, _time, cancellationToken);
        }
        catch
        {
            model.Release();
            throw;
        }

        var item = new ModelRunWorkItem(this, model, inputs, outputKeys, deadline);
        try
        {
            await _engine.GetQueue(model.Info.Device).EnqueueAsync(item, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            item.Fail(ex);
        }

        return await item.Task.ConfigureAwait(false);
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
            inputs[i] = (AiTensor)_keyspace.GetRequired(
                inputKey, KeyType.Tensor, $"tensor key is empty: input {i} of model '{model.Key}', key '{inputKey}', does not exist").Value;
        }

        foreach (string outputKey in outputKeys)
        {
            _keyspace.EnsureWritable(CheckKey(outputKey), KeyType.Tensor);
        }

        InputValidator.Validate(model.Info, inputs, inputKeys);
        return inputs;
    }

    private StoredModel GetStoredModel(string key) =>
        (StoredModel)_keyspace.GetRequired(key, KeyType.Model, $"model key is empty: '{key}' does not exist").Value;

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
