namespace RedisAI.Persistence;

/// <summary>
/// Decides when a background save is due: a <see cref="SavePolicy"/> is met, or the append-only log asks for a
/// rewrite; but never sooner than the retry delay after a failed save (as Redis, so a full disk is not hammered).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
internal sealed class SaveSchedule
{
    private readonly SavePolicy[] _policies;
    private readonly TimeSpan _retryDelay;

    public SaveSchedule(IEnumerable<SavePolicy> policies, TimeSpan checkInterval, TimeSpan retryDelay)
    {
        _policies = [.. policies];
        CheckInterval = checkInterval;
        _retryDelay = retryDelay;
    }

    /// <summary>How often to ask <see cref="IsDue"/>.</summary>
    public TimeSpan CheckInterval { get; }

    /// <param name="history">How saving has gone so far.</param>
    /// <param name="changeCount">The store's change count now.</param>
    /// <param name="now">The time now.</param>
    /// <param name="logNeedsRewrite">Whether the append-only log has grown past its rewrite threshold or failed.</param>
    public bool IsDue(SaveHistory history, long changeCount, DateTimeOffset now, bool logNeedsRewrite)
    {
        if (history.LastOutcome == SaveOutcome.Failed && now - history.LastAttempt < _retryDelay)
        {
            return false;
        }

        if (logNeedsRewrite)
        {
            return true;
        }

        long changes = changeCount - history.SavedChangeCount;
        TimeSpan elapsed = now - history.IntervalStart;
        foreach (var policy in _policies)
        {
            if (changes >= policy.MinChanges && elapsed >= policy.Interval)
            {
                return true;
            }
        }

        return false;
    }
}
