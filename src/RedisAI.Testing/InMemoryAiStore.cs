using RedisAI.Backends;
using RedisAI.Backends.Onnx;

namespace RedisAI.Testing;

/// <summary>
/// One-line stores for unit tests of apps that use the library: in memory, no files, no snapshots, with the ONNX
/// Runtime backend (plus any others given), and an optional fake clock for expiry and timeouts.
/// </summary>
public static class InMemoryAiStore
{
    /// <summary>Creates a store with the ONNX Runtime backend.</summary>
    /// <param name="timeProvider">The clock, for example a <c>FakeTimeProvider</c>; the system clock when null.</param>
    /// <param name="configure">Adjusts the options (defaults otherwise).</param>
    /// <param name="additionalBackends">More backends (for example the TorchScript backend).</param>
    public static AiStore Create(TimeProvider? timeProvider = null, Action<AiStoreOptions>? configure = null, params IEnumerable<IModelBackend> additionalBackends)
    {
        var options = new AiStoreOptions();
        configure?.Invoke(options);
        return new AiStore(options, [new OnnxRuntimeBackend(), .. additionalBackends], timeProvider: timeProvider);
    }
}
