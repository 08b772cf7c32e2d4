using Microsoft.ML.OnnxRuntime;

namespace RedisAI.Backends.Onnx;

/// <summary>Settings of the ONNX Runtime backend, applied to every model it loads.</summary>
public sealed class OnnxRuntimeBackendOptions
{
    /// <summary>
    /// Threads one operator may use. Null (default) takes the store's <see cref="AiStoreOptions.IntraOpThreads"/>,
    /// and ONNX Runtime's own default when that is 0.
    /// </summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>Operators run in parallel; as <see cref="IntraOpThreads"/> with <see cref="AiStoreOptions.InterOpThreads"/>.</summary>
    public int? InterOpThreads { get; set; }

    /// <summary>Graph optimizations applied at load. Default <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// Cap on the CUDA memory arena in bytes for GPU models; null (default) for ONNX Runtime's default (no cap).
    /// </summary>
    public long? GpuMemoryLimit { get; set; }

    /// <summary>A hook to set anything else on each model's <see cref="SessionOptions"/>, after the settings above.</summary>
    public Action<SessionOptions>? ConfigureSession { get; set; }
}
