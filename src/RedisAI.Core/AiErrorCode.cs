namespace RedisAI;

/// <summary>Machine-readable kind of an <see cref="AiStoreException"/>.</summary>
public enum AiErrorCode
{
    /// <summary>An argument was malformed or inconsistent (data length, shape, dtype, count, option).</summary>
    InvalidArgument = 1,

    /// <summary>The key does not exist (or has expired).</summary>
    KeyNotFound = 2,

    /// <summary>The key holds a value of another kind (RedisAI's WRONGTYPE).</summary>
    WrongType = 3,

    /// <summary>No backend with the requested name is registered with the store.</summary>
    BackendNotFound = 4,

    /// <summary>The backend cannot use the requested device (for example no GPU or CUDA provider).</summary>
    DeviceUnavailable = 5,

    /// <summary>The backend rejected the model or script bytes or source.</summary>
    InvalidModel = 6,

    /// <summary>The backend failed while running a model or script.</summary>
    ExecutionFailed = 7,

    /// <summary>The execution did not complete within its timeout (RedisAI's TIMEDOUT).</summary>
    Timeout = 8,

    /// <summary>A backend's native runtime could not be loaded (a missing or incompatible native package).</summary>
    BackendUnavailable = 10,

    /// <summary>A device's run queue is full and the store is configured to reject rather than wait.</summary>
    QueueFull = 9,

    /// <summary>
    /// A snapshot or append-only log file is truncated, corrupted, not a snapshot at all, or written by a newer
    /// format version (RedisAI.Persistence).
    /// </summary>
    SnapshotInvalid = 21,

    /// <summary>
    /// A snapshot could not be written or read (an I/O error), or the append-only log cannot be written and writes are
    /// refused until a snapshot succeeds (RedisAI.Persistence).
    /// </summary>
    PersistenceFailed = 22,
}
