namespace RedisAI;

/// <summary>
/// The bytes the store holds, per kind of value: tensor data, model bytes (as stored; a backend's own
/// working memory is not counted) and script source.
/// </summary>
/// <param name="TensorBytes">Bytes of tensor data.</param>
/// <param name="ModelBytes">Bytes of stored model blobs.</param>
/// <param name="ScriptBytes">Bytes of script source (UTF-8).</param>
/// <param name="TensorCount">Number of tensor keys.</param>
/// <param name="ModelCount">Number of model keys.</param>
/// <param name="ScriptCount">Number of script keys.</param>
public readonly record struct MemoryUsage(
    long TensorBytes, long ModelBytes, long ScriptBytes, long TensorCount, long ModelCount, long ScriptCount)
{
    /// <summary>All bytes held.</summary>
    public long TotalBytes => TensorBytes + ModelBytes + ScriptBytes;
}
