namespace RedisAI.Backends;

/// <summary>
/// A script backend (TorchScript): turns script source into an <see cref="ICompiledScript"/>. One instance is
/// registered per store, by passing an object that implements both <see cref="IModelBackend"/> and this interface
/// to the store's constructor; it must be thread-safe.
/// </summary>
public interface IScriptBackend
{
    /// <summary>The backend's name as scripts name it (<c>TORCH</c>). Matched case-insensitively.</summary>
    string Name { get; }

    /// <summary>
    /// Compiles a script and checks its entry points. Throws <see cref="AiBackendException"/> with
    /// <see cref="AiErrorCode.InvalidModel"/> for source it cannot compile or an entry point that is missing or has the
    /// wrong signature, and <see cref="AiErrorCode.DeviceUnavailable"/> when the device cannot be used.
    /// </summary>
    /// <param name="source">The script source.</param>
    /// <param name="context">The key, device, entry points and thread settings.</param>
    ICompiledScript Compile(string source, ScriptLoadContext context);
}

/// <summary>What a backend needs to know to compile a script.</summary>
/// <param name="Key">The key the script is being stored under (for error messages).</param>
/// <param name="Device">The device to run on.</param>
/// <param name="EntryPoints">The functions callers may execute; each must exist in the source.</param>
/// <param name="IntraOpThreads">Threads one operator may use; 0 for the backend's default.</param>
/// <param name="InterOpThreads">Operators run in parallel; 0 for the backend's default.</param>
public sealed record ScriptLoadContext(
    string Key,
    Device Device,
    IReadOnlyList<string> EntryPoints,
    int IntraOpThreads,
    int InterOpThreads);

/// <summary>
/// A compiled script, ready to run. The store calls <see cref="Run"/> from many threads at once, only with a
/// function that is one of the script's entry points, and disposes the script once it is deleted or replaced and
/// no run is using it.
/// </summary>
public interface ICompiledScript : IDisposable
{
    /// <summary>
    /// Runs one entry point (RedisAI's AI.SCRIPTEXECUTE). Returns every tensor the function produced, flattened in
    /// order (a tuple or list of tensors gives one tensor per element); the store checks the count against the
    /// caller's output keys. Throw <see cref="OperationCanceledException"/> when
    /// <see cref="ScriptRunContext.CancellationToken"/> stops the run, and <see cref="AiBackendException"/> for any
    /// other failure.
    /// </summary>
    /// <param name="entryPoint">The entry point.</param>
    /// <param name="inputs">The input tensors, in order (a script's <c>tensors</c> list).</param>
    /// <param name="keys">Key names the caller passes (a script's <c>keys</c> list).</param>
    /// <param name="args">Arguments the caller passes (a script's <c>args</c> list).</param>
    /// <param name="context">The script key, the store and the cancellation.</param>
    AiTensor[] Run(string entryPoint, ReadOnlySpan<AiTensor> inputs, IReadOnlyList<string> keys, IReadOnlyList<ScriptArgument> args, in ScriptRunContext context);
}

/// <summary>Per-run information passed to a script backend.</summary>
/// <param name="ScriptKey">The script's key, for error messages.</param>
/// <param name="Store">The store running the script (.NET scripts use it to read keys and run models).</param>
/// <param name="CancellationToken">Signalled when the run must stop (timeout or caller cancellation).</param>
public readonly record struct ScriptRunContext(string ScriptKey, IAiStore Store, CancellationToken CancellationToken);
