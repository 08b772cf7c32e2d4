namespace RedisAI.Persistence;

/// <summary>
/// How saving has gone since the manager started: what status reports and what save policies measure from.
/// </summary>
/// <remarks>
/// Immutable: each outcome replaces the whole record, so a reader on any thread sees one consistent state without a
/// lock. Only one save writes at a time, so outcomes never race each other.
/// </remarks>
/// <param name="StartedAt">When saving started; policies measure from it until a save succeeds.</param>
/// <param name="LastSaveTime">When the last successful save finished; null when none has.</param>
/// <param name="LastAttempt">When the last save, successful or not, finished.</param>
/// <param name="LastOutcome">How the last save ended.</param>
/// <param name="LastError">Why the last save failed, when it did.</param>
/// <param name="LastDuration">How long the last successful save took.</param>
/// <param name="LastBytes">The size of the last snapshot written.</param>
/// <param name="SavedChangeCount">The store's change count in the view the last successful save wrote (at start, the count then).</param>
internal sealed record SaveHistory(
    DateTimeOffset StartedAt,
    DateTimeOffset? LastSaveTime,
    DateTimeOffset LastAttempt,
    SaveOutcome LastOutcome,
    string? LastError,
    TimeSpan LastDuration,
    long LastBytes,
    long SavedChangeCount)
{
    /// <summary>Before the manager starts: nothing saved, nothing to measure from.</summary>
    public static SaveHistory None { get; } = new(default, null, default, SaveOutcome.None, null, default, 0, 0);

    /// <summary>When policies' intervals are counted from: the last successful save, or the start.</summary>
    public DateTimeOffset IntervalStart => LastSaveTime ?? StartedAt;

    /// <summary>Saving starts at <paramref name="now"/>, with the store at <paramref name="changeCount"/> changes.</summary>
    public SaveHistory Started(DateTimeOffset now, long changeCount) => this with { StartedAt = now, SavedChangeCount = changeCount };

    public SaveHistory Succeeded(DateTimeOffset now, TimeSpan duration, long bytes, long changeCount) => this with
    {
        LastSaveTime = now,
        LastAttempt = now,
        LastOutcome = SaveOutcome.Succeeded,
        LastError = null,
        LastDuration = duration,
        LastBytes = bytes,
        SavedChangeCount = changeCount,
    };

    public SaveHistory Failed(DateTimeOffset now, string error) => this with
    {
        LastAttempt = now,
        LastOutcome = SaveOutcome.Failed,
        LastError = error,
    };
}
