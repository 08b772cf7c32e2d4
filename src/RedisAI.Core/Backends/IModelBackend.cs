namespace RedisAI.Backends;

/// <summary>
/// A model backend (ONNX Runtime, TorchScript, TensorFlow): turns model bytes into a <see cref="ICompiledModel"/>.
/// One instance is registered per store; it must be thread-safe.
/// </summary>
public interface IModelBackend
{
    /// <summary>The backend's name as models name it: <c>ONNX</c>, <c>TORCH</c>, <c>TF</c>. Matched case-insensitively.</summary>
    string Name { get; }

    /// <summary>
    /// Compiles a model. Throws <see cref="AiBackendException"/> with <see cref="AiErrorCode.InvalidModel"/> for bytes
    /// it cannot load and <see cref="AiErrorCode.DeviceUnavailable"/> when the device cannot be used.
    /// </summary>
    /// <param name="model">The model bytes; the backend must not keep a reference after returning.</param>
    /// <param name="context">The key, device, requested IO names and thread settings.</param>
    ICompiledModel Load(ReadOnlyMemory<byte> model, ModelLoadContext context);
}

/// <summary>What a backend needs to know to compile a model.</summary>
/// <param name="Key">The key the model is being stored under (for error messages).</param>
/// <param name="Device">The device to run on.</param>
/// <param name="Inputs">Input names to bind, in order, or null for the model's own.</param>
/// <param name="Outputs">Output names to return, in order, or null for the model's own.</param>
/// <param name="IntraOpThreads">Threads one operator may use; 0 for the backend's default.</param>
/// <param name="InterOpThreads">Operators run in parallel; 0 for the backend's default.</param>
public sealed record ModelLoadContext(
    string Key,
    Device Device,
    IReadOnlyList<string>? Inputs,
    IReadOnlyList<string>? Outputs,
    int IntraOpThreads,
    int InterOpThreads);

/// <summary>
/// A model compiled by a backend, ready to run. The store calls <see cref="Run"/> from many threads at once and
/// disposes the model once it is deleted or replaced and no run is using it.
/// </summary>
public interface ICompiledModel : IDisposable
{
    /// <summary>The inputs, in binding order.</summary>
    IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The outputs, in the order <see cref="Run"/> fills them.</summary>
    IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>
    /// Runs the model. <paramref name="inputs"/> have been checked against <see cref="Inputs"/> (count, and type and
    /// dimensions where declared). Fill every element of <paramref name="outputs"/>. Throw
    /// <see cref="OperationCanceledException"/> when <see cref="RunContext.CancellationToken"/> stops the run, and
    /// <see cref="AiBackendException"/> for any other failure.
    /// </summary>
    void Run(ReadOnlySpan<AiTensor> inputs, Span<AiTensor> outputs, in RunContext context);
}

/// <summary>Per-run information passed to a backend.</summary>
/// <param name="ModelKey">The model's key, for error messages.</param>
/// <param name="CancellationToken">Signalled when the run must stop (timeout or caller cancellation).</param>
public readonly record struct RunContext(string ModelKey, CancellationToken CancellationToken);
