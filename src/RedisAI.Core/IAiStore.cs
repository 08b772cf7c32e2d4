using System.Diagnostics.CodeAnalysis;

namespace RedisAI;

/// <summary>
/// An in-process inference store: a keyspace of tensors, models and scripts, and the engine that runs models on
/// them (the idea of the RedisAI Redis module, as a library).
/// </summary>
/// <remarks>
/// Thread-safe: every member may be called from any number of threads at once. Every operation either succeeds or
/// throws an <see cref="AiStoreException"/> and leaves the store as it was.
/// </remarks>
public partial interface IAiStore : IDisposable
{
    /// <summary>Whether the key exists (and has not expired).</summary>
    bool Exists(string key);

    /// <summary>The kind of value the key holds, or <see langword="null"/> when it does not exist.</summary>
    KeyType? GetKeyType(string key);

    /// <summary>Deletes a key of any kind. Returns whether it existed. Running executions keep a deleted model alive until they finish.</summary>
    bool Delete(string key);

    /// <summary>Sets a key's time to live. Returns false when the key does not exist.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is not positive.</exception>
    /// <exception cref="AiArgumentException">
    /// The expiry would fall after <see cref="DateTimeOffset.MaxValue"/> (Redis's "invalid expire time"); the key is unchanged.
    /// </exception>
    bool Expire(string key, TimeSpan timeToLive);

    /// <summary>Removes a key's expiry. Returns false when the key does not exist.</summary>
    bool Persist(string key);

    /// <summary>The time left before the key expires; <see langword="null"/> when it has no expiry or does not exist.</summary>
    TimeSpan? GetTimeToLive(string key);

    /// <summary>The keys that match a Redis-style glob pattern (<c>*</c>, <c>?</c>, <c>[a-z]</c>), optionally of one kind.</summary>
    IReadOnlyList<string> Scan(string pattern = "*", KeyType? type = null);

    /// <summary>The bytes and keys held, per kind of value.</summary>
    MemoryUsage GetMemoryUsage();

    /// <summary>The number of executions waiting in each device's run queue, by device name (<c>CPU</c>, <c>GPU:0</c>).</summary>
    IReadOnlyDictionary<string, int> GetQueueLengths();

    /// <summary>Stores a tensor under a key, replacing any tensor there (RedisAI's AI.TENSORSET).</summary>
    /// <exception cref="AiWrongTypeException">The key holds a model or script.</exception>
    void SetTensor(string key, AiTensor tensor, KeyExpiry expiry = default);

    /// <summary>The tensor under a key (RedisAI's AI.TENSORGET). The tensor is immutable; reading its data copies nothing.</summary>
    /// <exception cref="AiKeyNotFoundException">The key does not exist.</exception>
    /// <exception cref="AiWrongTypeException">The key holds a model or script.</exception>
    AiTensor GetTensor(string key);

    /// <summary>Gets the tensor under a key if there is one.</summary>
    /// <exception cref="AiWrongTypeException">The key holds a model or script.</exception>
    bool TryGetTensor(string key, [NotNullWhen(true)] out AiTensor? tensor);

    /// <summary>Deletes a tensor key. Returns whether it existed.</summary>
    /// <exception cref="AiWrongTypeException">The key holds a model or script; it is not deleted.</exception>
    bool DeleteTensor(string key);

    /// <summary>Compiles and stores a model (RedisAI's AI.MODELSTORE). Replaces a model under the key; calls running on the old one finish on it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="model">The model bytes (copied).</param>
    /// <param name="options">Backend, device, tag, batching and IO names.</param>
    /// <returns>The stored model's metadata.</returns>
    /// <exception cref="AiArgumentException">The options are invalid.</exception>
    /// <exception cref="AiStoreException">No such backend (<see cref="AiErrorCode.BackendNotFound"/>).</exception>
    /// <exception cref="AiBackendException">The bytes are not a valid model, or the device is unavailable.</exception>
    /// <exception cref="AiWrongTypeException">The key holds a tensor or script.</exception>
    ModelInfo StoreModel(string key, ReadOnlyMemory<byte> model, ModelOptions options);

    /// <summary>Reads a model file and stores it, as <see cref="StoreModel"/>.</summary>
    /// <exception cref="AiArgumentException">The file cannot be read.</exception>
    Task<ModelInfo> StoreModelFromFileAsync(string key, string path, ModelOptions options, CancellationToken cancellationToken = default);

    /// <summary>A stored model's metadata and original bytes (RedisAI's AI.MODELGET).</summary>
    /// <exception cref="AiKeyNotFoundException">The key does not exist.</exception>
    /// <exception cref="AiWrongTypeException">The key holds a tensor or script.</exception>
    ModelInfo GetModel(string key);

    /// <summary>Deletes a model key (RedisAI's AI.MODELDEL). Returns whether it existed. Running calls finish on the model.</summary>
    /// <exception cref="AiWrongTypeException">The key holds a tensor or script; it is not deleted.</exception>
    bool DeleteModel(string key);

    /// <summary>
    /// Runs a model on tensor keys and writes its outputs to keys (RedisAI's AI.MODELEXECUTE), on the calling
    /// thread. Inputs are read when the call starts; outputs are written all together, only if the run succeeds.
    /// A call to a model with autobatching waits for the batch it joins.
    /// </summary>
    /// <param name="key">The model key.</param>
    /// <param name="inputKeys">One tensor key per model input, in the model's input order.</param>
    /// <param name="outputKeys">One key per model output, in the model's output order.</param>
    /// <param name="timeout">Fails the call when it has not finished in time; the store's default when null.</param>
    /// <exception cref="AiKeyNotFoundException">The model or an input key does not exist.</exception>
    /// <exception cref="AiWrongTypeException">The model key, an input key or an output key holds another kind of value.</exception>
    /// <exception cref="AiArgumentException">Wrong number of inputs or outputs, or an input's type or shape does not fit the model.</exception>
    /// <exception cref="AiTimeoutException">The run took longer than <paramref name="timeout"/> (or the store's default).</exception>
    /// <exception cref="AiBackendException">The backend failed.</exception>
    void ExecuteModel(string key, IReadOnlyList<string> inputKeys, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null);

    /// <summary>
    /// Runs a model on tensor keys bound by the model's own input and output names, whatever order the model (or a
    /// release of it) declares them in, on the calling thread. Outputs not named in <paramref name="outputs"/> are
    /// dropped without a key. Otherwise as <see cref="ExecuteModel(string, IReadOnlyList{string}, IReadOnlyList{string}, TimeSpan?)"/>.
    /// </summary>
    /// <param name="key">The model key.</param>
    /// <param name="inputs">For every model input, by name, the tensor key it reads.</param>
    /// <param name="outputs">For each model output to keep, by name, the key it is written to.</param>
    /// <param name="timeout">Fails the call when it has not finished in time; the store's default when null.</param>
    /// <exception cref="AiArgumentException">
    /// A name is not one of the model's, a model input is not bound, or the model's inputs or outputs have no unique names.
    /// </exception>
    void ExecuteModel(string key, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> outputs, TimeSpan? timeout = null);

    /// <summary>As <see cref="ExecuteModel(string, IReadOnlyList{string}, IReadOnlyList{string}, TimeSpan?)"/>, through the model device's run queue, without blocking the caller.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing was written.</exception>
    Task ExecuteModelAsync(string key, IReadOnlyList<string> inputKeys, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="ExecuteModel(string, IReadOnlyDictionary{string, string}, IReadOnlyDictionary{string, string}, TimeSpan?)"/>, through the model device's run queue, without blocking the caller.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing was written.</exception>
    Task ExecuteModelAsync(string key, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> outputs, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a model directly on tensors, on the calling thread, without touching any key.</summary>
    /// <returns>The outputs, in the model's output order.</returns>
    /// <exception cref="AiKeyNotFoundException">The model does not exist.</exception>
    /// <exception cref="AiArgumentException">Wrong number of inputs, or an input's type or shape does not fit the model.</exception>
    /// <exception cref="AiTimeoutException">The run took longer than the timeout.</exception>
    /// <exception cref="AiBackendException">The backend failed.</exception>
    AiTensor[] RunModel(string key, ReadOnlySpan<AiTensor> inputs, TimeSpan? timeout = null);

    /// <summary>Runs a model directly on tensors bound by the model's input names, on the calling thread, without touching any key.</summary>
    /// <returns>Every output, by the model's output names.</returns>
    /// <exception cref="AiKeyNotFoundException">The model does not exist.</exception>
    /// <exception cref="AiArgumentException">
    /// A name is not one of the model's, an input is not bound, the model's inputs or outputs have no unique names, or an
    /// input's type or shape does not fit the model.
    /// </exception>
    /// <exception cref="AiTimeoutException">The run took longer than the timeout.</exception>
    /// <exception cref="AiBackendException">The backend failed.</exception>
    IReadOnlyDictionary<string, AiTensor> RunModel(string key, IReadOnlyDictionary<string, AiTensor> inputs, TimeSpan? timeout = null);

    /// <summary>Execution statistics of a model or script (RedisAI's AI.INFO).</summary>
    /// <exception cref="AiKeyNotFoundException">The key holds no model or script.</exception>
    RunInfo GetRunInfo(string key);

    /// <summary>Zeroes a model's or script's statistics (AI.INFO ... RESETSTAT).</summary>
    /// <exception cref="AiKeyNotFoundException">The key holds no model or script.</exception>
    void ResetRunStatistics(string key);

    /// <summary>As <see cref="RunModel(string, ReadOnlySpan{AiTensor}, TimeSpan?)"/>, through the model device's run queue.</summary>
    Task<AiTensor[]> RunModelAsync(string key, IReadOnlyList<AiTensor> inputs, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="RunModel(string, IReadOnlyDictionary{string, AiTensor}, TimeSpan?)"/>, through the model device's run queue.</summary>
    Task<IReadOnlyDictionary<string, AiTensor>> RunModelAsync(string key, IReadOnlyDictionary<string, AiTensor> inputs, TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}
