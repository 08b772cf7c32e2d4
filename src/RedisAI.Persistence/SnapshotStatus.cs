namespace RedisAI.Persistence;

/// <summary>How the last save ended.</summary>
public enum SaveOutcome
{
    /// <summary>No save has finished yet.</summary>
    None = 0,

    /// <summary>The last save succeeded.</summary>
    Succeeded = 1,

    /// <summary>The last save failed; the previous snapshot file is intact.</summary>
    Failed = 2,
}

/// <summary>Where a <see cref="SnapshotManager"/> stands (as Redis's <c>INFO persistence</c>).</summary>
/// <param name="LastSaveTime">When the last successful save finished; null when none has.</param>
/// <param name="LastSaveStatus">How the last save ended.</param>
/// <param name="LastSaveError">Why the last save failed, when it did.</param>
/// <param name="LastSaveDuration">How long the last successful save took.</param>
/// <param name="LastSaveBytes">The size of the last snapshot written.</param>
/// <param name="SaveInProgress">Whether a save is running or waiting to run.</param>
/// <param name="ChangesSinceLastSave">Changes made to the store since the view the last save wrote.</param>
/// <param name="AppendLogEnabled">Whether the append-only log is on.</param>
/// <param name="AppendLogBytes">Bytes in the current log segment.</param>
/// <param name="AppendLogError">Why the log cannot be written, when it cannot (writes are refused until a save succeeds).</param>
public sealed record SnapshotStatus(
    DateTimeOffset? LastSaveTime,
    SaveOutcome LastSaveStatus,
    string? LastSaveError,
    TimeSpan LastSaveDuration,
    long LastSaveBytes,
    bool SaveInProgress,
    long ChangesSinceLastSave,
    bool AppendLogEnabled,
    long AppendLogBytes,
    string? AppendLogError);

/// <summary>What <see cref="SnapshotManager.Load"/> brought back.</summary>
/// <param name="SnapshotFound">Whether there was a snapshot file.</param>
/// <param name="SnapshotCreatedAt">When the loaded snapshot's view was taken.</param>
/// <param name="Keys">Keys now in the store.</param>
/// <param name="ExpiredKeys">Keys left out because their expiry passed while the store was down.</param>
/// <param name="LogRecords">Append-only log records replayed after the snapshot.</param>
/// <param name="LogTruncatedBytes">Bytes of a crash-torn last log record that were dropped (0 when none).</param>
/// <param name="SkippedKeys">Keys left out because they could not be re-created (only with <see cref="SnapshotOptions.SkipFailedKeysOnLoad"/>).</param>
public sealed record SnapshotLoadResult(
    bool SnapshotFound,
    DateTimeOffset? SnapshotCreatedAt,
    int Keys,
    int ExpiredKeys,
    long LogRecords,
    long LogTruncatedBytes,
    IReadOnlyList<StoreRestoreFailure> SkippedKeys);

/// <summary>
/// What <see cref="SnapshotManager.LoadOrStartEmpty"/> did: either loaded the files, or, when they could not be
/// loaded, moved the snapshot aside and started empty.
/// </summary>
/// <param name="Loaded">What was loaded; null when the load failed and the manager started empty.</param>
/// <param name="LoadError">Why the load failed; null when it succeeded.</param>
/// <param name="MovedAsidePath">
/// Where the snapshot that failed to load now is (<c>&lt;path&gt;.corrupt-&lt;yyyyMMddHHmmss&gt;</c>); null when the
/// load succeeded, or when there was no snapshot file (the append-only log failed to load).
/// </param>
public sealed record SnapshotStartResult(SnapshotLoadResult? Loaded, SnapshotException? LoadError, string? MovedAsidePath);
