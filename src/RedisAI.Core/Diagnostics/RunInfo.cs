namespace RedisAI;

/// <summary>
/// Execution statistics of one model or script (RedisAI's AI.INFO). Counters start at zero when the key is
/// stored (re-storing resets them) and disappear with the key.
/// </summary>
/// <param name="Key">The model or script key.</param>
/// <param name="Type">Model or script.</param>
/// <param name="Backend">The backend name (<c>ONNX</c>, <c>TORCH</c>, ...).</param>
/// <param name="Device">The device and run queue.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Duration">Total time spent in the backend (queue wait excluded; each member of a batch adds the batch's time).</param>
/// <param name="Samples">Rows processed: dimension 0 of the first output of each successful model run; -1 for scripts.</param>
/// <param name="Calls">Executions attempted (a batch counts once per member).</param>
/// <param name="Errors">Executions the backend failed.</param>
public sealed record RunInfo(
    string Key, KeyType Type, string Backend, Device Device, string Tag, TimeSpan Duration, long Samples, long Calls, long Errors);
