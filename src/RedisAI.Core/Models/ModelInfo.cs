namespace RedisAI;

/// <summary>
/// A stored model's metadata and original bytes (RedisAI's AI.MODELGET).
/// </summary>
/// <param name="Key">The key it is stored under.</param>
/// <param name="Backend">The backend name, upper case.</param>
/// <param name="Device">The device and run queue.</param>
/// <param name="Tag">The tag.</param>
/// <param name="BatchSize">BATCHSIZE (0 = no batching).</param>
/// <param name="MinBatchSize">MINBATCHSIZE.</param>
/// <param name="MinBatchTimeout">MINBATCHTIMEOUT.</param>
/// <param name="Inputs">The inputs, in the order executions bind them.</param>
/// <param name="Outputs">The outputs, in the order executions return them.</param>
/// <param name="Blob">The model bytes exactly as stored.</param>
public sealed record ModelInfo(
    string Key,
    string Backend,
    Device Device,
    string Tag,
    int BatchSize,
    int MinBatchSize,
    TimeSpan MinBatchTimeout,
    IReadOnlyList<TensorInfo> Inputs,
    IReadOnlyList<TensorInfo> Outputs,
    ReadOnlyMemory<byte> Blob);
