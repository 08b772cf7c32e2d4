namespace RedisAI;

/// <summary>
/// One unit of work on a device queue. Completes its caller exactly once, whatever happens: a caller that
/// cancels or times out while the item is still queued is completed at once, and the item never starts.
/// </summary>
internal abstract class WorkItem
{
    private const int Queued = 0, Started = 1, Abandoned = 2;
    private int _state;
    private CancellationTokenRegistration _cancellation;

    /// <summary>Signalled when the item must not start (caller cancelled or timed out while queued).</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Whether the item is a caller's execution, counted in the queue's length (internal items are not).</summary>
    public virtual bool IsExecution => true;

    /// <summary>Runs the work on a worker thread and completes the caller.</summary>
    public abstract void Execute();

    /// <summary>Completes the caller with a failure without running.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Completes the caller as soon as <see cref="CancellationToken"/> fires while the item is still queued.</summary>
    public void AbandonOnCancellation() =>
        _cancellation = CancellationToken.UnsafeRegister(static state => ((WorkItem)state!).Abandon(), this);

    /// <summary>Claims the item for running; false when it was abandoned (already completed).</summary>
    public bool TryStart()
    {
        bool started = Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;
        _cancellation.Dispose();
        return started;
    }

    private void Abandon()
    {
        if (Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued)
        {
            Fail(new OperationCanceledException(CancellationToken));
        }
    }
}
