namespace RedisAI;

/// <summary>
/// The cancellation of one execution: the caller's token joined with an optional timeout measured on the
/// store's <see cref="TimeProvider"/>. Allocates nothing when there is neither.
/// </summary>
internal readonly struct ExecutionDeadline : IDisposable
{
    private readonly CancellationTokenSource? _timeout;
    private readonly CancellationTokenSource? _linked;

    private ExecutionDeadline(CancellationTokenSource? timeout, CancellationTokenSource? linked, TimeSpan? duration, CancellationToken token)
    {
        _timeout = timeout;
        _linked = linked;
        Token = token;
        Duration = duration;
    }

    /// <summary>The longest timeout that runs a timer (the CancellationTokenSource limit); longer ones never fire.</summary>
    public static readonly TimeSpan MaxTimerDuration = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public CancellationToken Token { get; }

    public TimeSpan? Duration { get; }

    /// <summary>Starts a deadline that also fires when <paramref name="shutdown"/> (the store's disposal) does.</summary>
    public static ExecutionDeadline Start(TimeSpan? timeout, TimeProvider time, CancellationToken shutdown, CancellationToken cancellationToken)
    {
        // A CancellationTokenSource timer cannot run past ~49.7 days; a longer timeout is treated as none, as
        // it cannot fire within any realistic lifetime of the process.
        if (timeout is { } longTimeout && longTimeout > MaxTimerDuration)
        {
            timeout = null;
        }

        if (timeout is not { } duration)
        {
            if (!cancellationToken.CanBeCanceled)
            {
                return new ExecutionDeadline(null, null, null, shutdown);
            }

            if (!shutdown.CanBeCanceled)
            {
                return new ExecutionDeadline(null, null, null, cancellationToken);
            }

            var callerOrShutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown);
            return new ExecutionDeadline(null, callerOrShutdown, null, callerOrShutdown.Token);
        }

        if (duration <= TimeSpan.Zero)
        {
            throw new AiArgumentException($"Invalid value for TIMEOUT: {duration}, expected a positive duration");
        }

        var timeoutSource = new CancellationTokenSource(duration, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, shutdown, cancellationToken);
        return new ExecutionDeadline(timeoutSource, linked, duration, linked.Token);
    }

    /// <summary>
    /// Turns a cancellation into what the caller should see: <see cref="AiTimeoutException"/> when the timeout
    /// fired, else the cancellation itself.
    /// </summary>
    public Exception Translate(Exception exception, string what)
    {
        if (exception is OperationCanceledException && _timeout is { IsCancellationRequested: true })
        {
            return new AiTimeoutException($"TIMEDOUT: {what} did not complete within {Duration!.Value.TotalMilliseconds} ms", exception);
        }

        return exception;
    }

    public void Dispose()
    {
        _linked?.Dispose();
        _timeout?.Dispose();
    }
}
