using System.Globalization;
using Microsoft.Extensions.Logging;
using RedisAI.Persistence.AppendLog;
using RedisAI.Persistence.Format;

namespace RedisAI.Persistence;

/// <summary>
/// Reads what the files hold at start-up: the snapshot, then the append-only log segments after it, into a staging
/// set that replaces the store's contents in one step; and finds where the log continues, with or without a load.
/// </summary>
/// <remarks>Stateless between calls; the manager runs one load at a time.</remarks>
internal sealed partial class SnapshotLoader
{
    private readonly AiStore _store;
    private readonly string _path;
    private readonly AppendLogOptions _logOptions;
    private readonly bool _skipFailedKeys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="store">The store to load into; its backends re-create models.</param>
    /// <param name="path">The snapshot file (full path).</param>
    /// <param name="logOptions">Whether the log is replayed, and whether a torn last record is accepted.</param>
    /// <param name="skipFailedKeys">Whether keys that cannot be re-created are left out rather than failing the load.</param>
    /// <param name="time">The clock that stamps a snapshot moved aside.</param>
    /// <param name="logger">Where loads are reported.</param>
    public SnapshotLoader(AiStore store, string path, AppendLogOptions logOptions, bool skipFailedKeys, TimeProvider time, ILogger logger)
    {
        _store = store;
        _path = path;
        _logOptions = logOptions;
        _skipFailedKeys = skipFailedKeys;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Loads the snapshot and (with the log on) replays the log after it. Everything is read and verified, and every
    /// model compiled, before the store changes; its contents are then replaced in one step.
    /// </summary>
    /// <returns>What was loaded, and the log segment that comes next.</returns>
    /// <exception cref="SnapshotException">A file is unreadable or damaged, or keys could not be re-created; the store is unchanged.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the store is unchanged.</exception>
    public LoadedFiles Load(CancellationToken cancellationToken)
    {
        DurableFile.DeleteStaleTemps(_path);
        var staged = new StagedKeyspace();
        SnapshotContents? snapshot = null;
        if (File.Exists(_path))
        {
            snapshot = ReadFile(_path, () => SnapshotFile.Read(_path, cancellationToken));
            foreach (var entry in snapshot.Entries)
            {
                staged.Set(entry);
            }
        }

        var segments = LogSegments.List(_path);
        long logRecords = 0;
        long nextSequence;
        (string Path, long Length, long Dropped)? torn = null;
        if (_logOptions.Enabled)
        {
            // The snapshot names the first segment after it; without one, the log is all there is, from its oldest segment.
            long first = snapshot?.LogSequence ?? (segments.Count > 0 ? segments.Keys.Min() : 1);
            long expected = first;
            var chain = segments.Where(s => s.Key >= first).ToList();
            for (int i = 0; i < chain.Count; i++)
            {
                var (sequence, path) = chain[i];
                if (sequence != expected)
                {
                    throw new SnapshotException(
                        AiErrorCode.SnapshotInvalid,
                        $"cannot load '{_path}': append-only log segment {expected} is missing, so '{path}' cannot be replayed after it. Nothing was loaded.",
                        LogSegments.PathFor(_path, expected));
                }

                bool last = i == chain.Count - 1;
                var replay = ReadFile(path, () => LogSegments.Replay(path, sequence, staged, _logOptions.LoadTruncated && last, cancellationToken));
                logRecords += replay.Records;
                if (replay.TruncatedBytes > 0)
                {
                    torn = (path, replay.ValidLength, replay.TruncatedBytes);
                }

                expected++;
            }

            nextSequence = expected;
        }
        else
        {
            // Segments left by an earlier run with the log on are stale; later snapshots must name a sequence past them.
            nextSequence = Math.Max(snapshot?.LogSequence ?? 1, segments.Count > 0 ? segments.Keys.Max() + 1 : 1);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var result = _store.Restore(staged.Entries, _skipFailedKeys);
        if (!result.Applied)
        {
            throw SnapshotException.RestoreFailed(_path, result.Failures);
        }

        if (torn is { } t)
        {
            // New records go to a new segment; cut the torn record off so this one ends cleanly before it.
            LogTruncatedRecord(_logger, t.Path, t.Length, t.Dropped);
            ReadFile(t.Path, () =>
            {
                using var stream = new FileStream(t.Path, FileMode.Open, FileAccess.Write, FileShare.Read);
                stream.SetLength(t.Length);
                stream.Flush(flushToDisk: true);
                return 0;
            });
        }

        LogLoaded(_logger, _path, result.Restored, logRecords, result.Expired);
        foreach (var failure in result.Failures)
        {
            LogKeySkipped(_logger, failure.Key, failure.Error.Message);
        }

        return new LoadedFiles(
            new SnapshotLoadResult(snapshot is not null, snapshot?.CreatedAt, result.Restored, result.Expired, logRecords, torn?.Dropped ?? 0, result.Failures),
            nextSequence);
    }

    /// <summary>For a start without loading: deletes what an interrupted save left, and finds where the log continues.</summary>
    /// <param name="filesExist">Whether a snapshot or log segments exist (the first save will replace them).</param>
    /// <returns>The log segment that comes next.</returns>
    public long PrepareEmptyStart(out bool filesExist)
    {
        DurableFile.DeleteStaleTemps(_path);
        var segments = LogSegments.List(_path);
        filesExist = File.Exists(_path) || segments.Count > 0;
        return segments.Count > 0 ? segments.Keys.Max() + 1 : 1;
    }

    /// <summary>
    /// Moves the snapshot file that failed to load to <c>&lt;path&gt;.corrupt-&lt;yyyyMMddHHmmss&gt;</c> (UTC, on the
    /// manager's clock), so that the saves of a store started empty instead do not overwrite it.
    /// </summary>
    /// <param name="loadError">Why the load failed (for the message, if the move fails too).</param>
    /// <returns>Where the file now is; null when there is no snapshot file (the log failed to load).</returns>
    /// <exception cref="SnapshotException">The file cannot be moved.</exception>
    public string? MoveAside(SnapshotException loadError)
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        string aside = string.Create(CultureInfo.InvariantCulture, $"{_path}.corrupt-{_time.GetUtcNow():yyyyMMddHHmmss}");
        try
        {
            File.Move(_path, aside);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SnapshotException(
                AiErrorCode.PersistenceFailed, $"cannot move '{_path}', which failed to load ({loadError.Message}), aside to '{aside}': {ex.Message}", _path, ex);
        }

        return aside;
    }

    private static T ReadFile<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SnapshotException(AiErrorCode.PersistenceFailed, $"cannot read '{path}': {ex.Message}. Nothing was loaded.", path, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Path}: {Keys} keys, {LogRecords} log records replayed, {Expired} expired keys left out")]
    private static partial void LogLoaded(ILogger logger, string path, int keys, long logRecords, int expired);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Append-only log {Path} ended in a torn record (a crash mid-append): its last {Dropped} bytes were dropped, the file cut to {Length} bytes")]
    private static partial void LogTruncatedRecord(ILogger logger, string path, long length, long dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key {Key} was not loaded: {Reason}")]
    private static partial void LogKeySkipped(ILogger logger, string key, string reason);
}

/// <summary>What a load brought back, and the log segment new changes go to.</summary>
internal readonly record struct LoadedFiles(SnapshotLoadResult Result, long NextLogSequence);
