namespace RedisAI;

/// <summary>Scripts: TorchScript source compiled by a script backend, or <see cref="DotNetScript"/> delegates.</summary>
public partial interface IAiStore
{
    /// <summary>
    /// Compiles and stores a script from source (RedisAI's AI.SCRIPTSTORE). Replaces a script under the key; calls
    /// running on the old one finish on it. Nothing is stored when the source does not compile.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="source">The source (TorchScript for the default <c>TORCH</c> backend).</param>
    /// <param name="options">Backend, device, tag and entry points.</param>
    /// <returns>The stored script's metadata.</returns>
    /// <exception cref="AiArgumentException">The options are invalid or the source is empty.</exception>
    /// <exception cref="AiStoreException">No such script backend (<see cref="AiErrorCode.BackendNotFound"/>).</exception>
    /// <exception cref="AiBackendException">
    /// The source does not compile, or an entry point is missing or has the wrong signature
    /// (<see cref="AiErrorCode.InvalidModel"/>, with the backend's message), or the device is unavailable.
    /// </exception>
    /// <exception cref="AiWrongTypeException">The key holds a tensor or model.</exception>
    ScriptInfo StoreScript(string key, string source, ScriptOptions options);

    /// <summary>Stores a .NET script under a key; it runs through the same execute API as a TorchScript script.</summary>
    /// <param name="key">The key.</param>
    /// <param name="script">The delegates.</param>
    /// <param name="device">The run queue its asynchronous executions use; <see cref="Device.Cpu"/> when null. It always runs on the CPU.</param>
    /// <param name="tag">A free-form tag; empty when null.</param>
    /// <exception cref="AiWrongTypeException">The key holds a tensor or model.</exception>
    ScriptInfo StoreScript(string key, DotNetScript script, Device? device = null, string? tag = null);

    /// <summary>A stored script's metadata and source (RedisAI's AI.SCRIPTGET).</summary>
    /// <exception cref="AiKeyNotFoundException">The key does not exist.</exception>
    /// <exception cref="AiWrongTypeException">The key holds a tensor or model.</exception>
    ScriptInfo GetScript(string key);

    /// <summary>Deletes a script key (RedisAI's AI.SCRIPTDEL). Returns whether it existed. Running calls finish on the script.</summary>
    /// <exception cref="AiWrongTypeException">The key holds a tensor or model; it is not deleted.</exception>
    bool DeleteScript(string key);

    /// <summary>
    /// Runs a script's entry point on tensor keys and writes its outputs to keys (RedisAI's AI.SCRIPTEXECUTE), on the
    /// calling thread. Inputs are read when the call starts; outputs are written all together, only if the run
    /// succeeds and returns exactly one tensor per output key (with no output keys, the result is discarded).
    /// </summary>
    /// <param name="key">The script key.</param>
    /// <param name="entryPoint">The entry point to run.</param>
    /// <param name="keys">Key names passed to the script (KEYS), which it may read through the store; may be empty.</param>
    /// <param name="inputKeys">Tensor keys whose tensors are passed, in order (INPUTS); may be empty.</param>
    /// <param name="args">Arguments passed to the script (ARGS); may be empty.</param>
    /// <param name="outputKeys">Keys to write the returned tensors to, in order (OUTPUTS); may be empty.</param>
    /// <param name="timeout">Fails the call when it has not finished in time; the store's default when null.</param>
    /// <exception cref="AiKeyNotFoundException">The script or an input key does not exist.</exception>
    /// <exception cref="AiWrongTypeException">The script key, an input key or an output key holds another kind of value.</exception>
    /// <exception cref="AiArgumentException">The function is not an entry point of the script.</exception>
    /// <exception cref="AiTimeoutException">The run took longer than the timeout; nothing was written.</exception>
    /// <exception cref="AiBackendException">
    /// The script failed (with the backend's message and the script key), or returned a different number of tensors
    /// than <paramref name="outputKeys"/> (<c>Function returned unexpected number of outputs</c>).
    /// </exception>
    void ExecuteScript(
        string key, string entryPoint, IReadOnlyList<string> keys, IReadOnlyList<string> inputKeys,
        IReadOnlyList<ScriptArgument> args, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null);

    /// <summary>As <see cref="ExecuteScript"/>, through the script device's run queue, without blocking the caller.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing was written.</exception>
    Task ExecuteScriptAsync(
        string key, string entryPoint, IReadOnlyList<string> keys, IReadOnlyList<string> inputKeys,
        IReadOnlyList<ScriptArgument> args, IReadOnlyList<string> outputKeys, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default);

    /// <summary>Runs a script's entry point directly on tensors, on the calling thread, without touching any key.</summary>
    /// <returns>Every tensor the function returned, flattened in order.</returns>
    /// <exception cref="AiKeyNotFoundException">The script does not exist.</exception>
    /// <exception cref="AiArgumentException">The function is not an entry point of the script.</exception>
    /// <exception cref="AiTimeoutException">The run took longer than the timeout.</exception>
    /// <exception cref="AiBackendException">The script failed.</exception>
    AiTensor[] RunScript(
        string key, string entryPoint, ReadOnlySpan<AiTensor> inputs, IReadOnlyList<string>? keys = null,
        IReadOnlyList<ScriptArgument>? args = null, TimeSpan? timeout = null);

    /// <summary>As <see cref="RunScript"/>, through the script device's run queue.</summary>
    Task<AiTensor[]> RunScriptAsync(
        string key, string entryPoint, IReadOnlyList<AiTensor> inputs, IReadOnlyList<string>? keys = null,
        IReadOnlyList<ScriptArgument>? args = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}
