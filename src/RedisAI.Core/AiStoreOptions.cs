namespace RedisAI;

/// <summary>What a full run queue does with a new execution.</summary>
public enum QueueFullBehavior
{
    /// <summary>The caller waits (asynchronously) for room: back-pressure. The default.</summary>
    Wait = 0,

    /// <summary>The execution fails at once with <see cref="AiErrorCode.QueueFull"/>.</summary>
    Reject = 1,
}

/// <summary>Settings of an <see cref="AiStore"/>. Checked by <see cref="Validate"/> when the store is built.</summary>
public sealed class AiStoreOptions
{
    /// <summary>Worker threads serving each device's run queue (RedisAI's THREADS_PER_QUEUE). Default 1.</summary>
    public int ThreadsPerQueue { get; set; } = 1;

    /// <summary>How many executions may wait in one device's queue. Default 10,000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>What happens when a queue is full. Default <see cref="QueueFullBehavior.Wait"/>.</summary>
    public QueueFullBehavior QueueFullBehavior { get; set; } = QueueFullBehavior.Wait;

    /// <summary>
    /// The timeout of executions that do not pass their own; <see langword="null"/> (default) for none. A timed-out
    /// ONNX Runtime run is terminated; other backends stop at their next cancellation point. A timeout longer than
    /// about 49.7 days (the longest a timer can run) never fires, as none.
    /// </summary>
    public TimeSpan? DefaultExecutionTimeout { get; set; }

    /// <summary>Threads one operator may use, passed to backends (INTRA_OP_PARALLELISM). 0 (default) = the backend's default.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Operators a backend may run in parallel (INTER_OP_PARALLELISM). 0 (default) = the backend's default.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>How often expired keys are swept out of memory. Default 100 ms. Expired keys are invisible at once regardless.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (ThreadsPerQueue < 1)
        {
            errors.Add($"{nameof(ThreadsPerQueue)} must be at least 1 (was {ThreadsPerQueue})");
        }

        if (QueueCapacity < 1)
        {
            errors.Add($"{nameof(QueueCapacity)} must be at least 1 (was {QueueCapacity})");
        }

        if (!Enum.IsDefined(QueueFullBehavior))
        {
            errors.Add($"{nameof(QueueFullBehavior)} {QueueFullBehavior} is not defined");
        }

        if (DefaultExecutionTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(DefaultExecutionTimeout)} must be positive or null (was {timeout})");
        }

        if (IntraOpThreads < 0)
        {
            errors.Add($"{nameof(IntraOpThreads)} must be 0 or more (was {IntraOpThreads})");
        }

        if (InterOpThreads < 0)
        {
            errors.Add($"{nameof(InterOpThreads)} must be 0 or more (was {InterOpThreads})");
        }

        if (ExpirySweepInterval <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(ExpirySweepInterval)} must be positive (was {ExpirySweepInterval})");
        }

        return errors;
    }

    /// <summary>Throws when any option is invalid, listing every problem.</summary>
    /// <exception cref="AiArgumentException">An option is invalid.</exception>
    public void Validate() => AiArgumentException.ThrowIfAny(GetValidationErrors(), "AiStore options");
}
