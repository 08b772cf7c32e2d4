namespace RedisAI;

/// <summary>One unit of work on a device queue. Completes its caller exactly once, whatever happens.</summary>
internal abstract class WorkItem
{
    /// <summary>Signalled when the item must not start (caller cancelled or timed out while queued).</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Runs the work on a worker thread and completes the caller.</summary>
    public abstract void Execute();

    /// <summary>Completes the caller with a failure without running.</summary>
    public abstract void Fail(Exception exception);
}
