using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using RedisAI.Persistence.AppendLog;
using RedisAI.Persistence.Format;

namespace RedisAI.Persistence;

/// <summary>
/// Writes captured views to the snapshot file, one at a time and durably (temporary file, flushed, renamed over the
/// previous snapshot), records how each save went, and trims the log segments a saved snapshot made obsolete.
/// </summary>
/// <remarks>
/// Thread-safe. A capture that a newer one overtook while it waited is skipped: the newer file holds everything it
/// would have.
/// </remarks>
[SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The SemaphoreSlim never creates its wait handle, so it holds nothing to free; disposing it at shutdown would fail a background save that was captured but had not yet started waiting.")]
internal sealed partial class SnapshotWriter
{
    private readonly string _path;
    private readonly UnixFileMode _fileMode;
    private readonly AppendLogRotation _log;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // One save writes the file at a time.
    private readonly SemaphoreSlim _fileLock = new(1, 1);
    private long _generation;
    private long _writtenGeneration;
    private int _pendingSaves;
    private SaveHistory _history = SaveHistory.None;

    /// <param name="path">The snapshot file (full path).</param>
    /// <param name="fileMode">The permissions the file is created with (Unix).</param>
    /// <param name="log">The log whose obsolete segments a successful save deletes.</param>
    /// <param name="time">The clock of save times and durations.</param>
    /// <param name="logger">Where saves are reported.</param>
    public SnapshotWriter(string path, UnixFileMode fileMode, AppendLogRotation log, TimeProvider time, ILogger logger)
    {
        _path = path;
        _fileMode = fileMode;
        _log = log;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether a save is running or waiting to run.</summary>
    public bool SaveInProgress => Volatile.Read(ref _pendingSaves) > 0;

    /// <summary>How saving has gone so far.</summary>
    public SaveHistory History => Volatile.Read(ref _history);

    /// <summary>Test seam: wraps the stream a save writes the temporary file through (to slow it down or make it fail).</summary>
    public Func<Stream, Stream>? StreamWrapper { get; set; }

    /// <summary>Saving starts now, with the store at <paramref name="changeCount"/> changes; policies measure from here.</summary>
    public void Start(long changeCount) => Volatile.Write(ref _history, _history.Started(_time.GetUtcNow(), changeCount));

    /// <summary>
    /// Accepts a captured view for writing; it counts as a save in progress until <see cref="Write"/> is done with it.
    /// Callers accept captures one at a time, in the order they took them, so a later capture supersedes an earlier one.
    /// </summary>
    /// <param name="snapshot">The view.</param>
    /// <param name="logSequence">The first log segment to replay after it.</param>
    public Capture Accept(StoreSnapshot snapshot, long logSequence)
    {
        Interlocked.Increment(ref _pendingSaves);
        return new Capture(snapshot, logSequence, Interlocked.Increment(ref _generation));
    }

    /// <summary>
    /// Writes <paramref name="capture"/> on the calling thread, after any save already writing, unless a newer capture
    /// was written meanwhile.
    /// </summary>
    /// <exception cref="SnapshotException">The save failed; the previous snapshot is intact.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the previous snapshot is intact.</exception>
    public void Write(Capture capture, CancellationToken cancellationToken)
    {
        try
        {
            _fileLock.Wait(cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _pendingSaves);
            throw;
        }

        try
        {
            if (capture.Generation <= Interlocked.Read(ref _writtenGeneration))
            {
                return;
            }

            long started = _time.GetTimestamp();
            long bytes;
            try
            {
                bytes = WriteFile(capture, cancellationToken);
            }
            catch (Exception ex)
            {
                RecordFailure(ex);
                if (ex is OperationCanceledException)
                {
                    throw;
                }

                throw ex as SnapshotException ?? new SnapshotException(AiErrorCode.PersistenceFailed, $"cannot save snapshot '{_path}': {ex.Message}. The previous snapshot is intact.", _path, ex);
            }

            Interlocked.Exchange(ref _writtenGeneration, capture.Generation);
            TimeSpan duration = _time.GetElapsedTime(started);
            Volatile.Write(ref _history, _history.Succeeded(_time.GetUtcNow(), duration, bytes, capture.Snapshot.ChangeCount));
            _log.DeleteBefore(capture.LogSequence);
            LogSaved(_logger, _path, capture.Snapshot.Count, bytes, duration.TotalMilliseconds);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingSaves);
            _fileLock.Release();
        }
    }

    /// <summary>Blocks until a save writing now (if any) has finished: at shutdown the process may be about to exit.</summary>
    public void WaitForSaveInFlight()
    {
        _fileLock.Wait();
        _fileLock.Release();
    }

    private long WriteFile(Capture capture, CancellationToken cancellationToken)
    {
        DurableFile.CreateDirectory(DurableFile.DirectoryOf(_path), _fileMode);
        string temp = DurableFile.NewTempPath(_path);

        // Created outside the try: when it fails, whatever is at that name is not this save's to delete.
        var file = DurableFile.CreateNew(temp, _fileMode, FileShare.None);
        try
        {
            // The rename below replaces whatever is at the snapshot's name (a link itself, not its target), so the
            // published file has the temporary file's permissions.
            long bytes;
            using (file)
            {
                Stream stream = StreamWrapper?.Invoke(file) ?? file;
                bytes = SnapshotFile.Write(stream, capture.Snapshot, capture.LogSequence, cancellationToken);
                stream.Flush();
                file.Flush(flushToDisk: true);
            }

            DurableFile.Publish(temp, _path);
            return bytes;
        }
        catch
        {
            DurableFile.TryDelete(temp);
            throw;
        }
    }

    // Caller holds _fileLock, so outcomes are recorded one at a time.
    private void RecordFailure(Exception ex)
    {
        Volatile.Write(ref _history, _history.Failed(_time.GetUtcNow(), ex.Message));
        if (ex is not OperationCanceledException)
        {
            LogSaveFailed(_logger, _path, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Saved snapshot {Path}: {Keys} keys, {Bytes} bytes in {Milliseconds} ms")]
    private static partial void LogSaved(ILogger logger, string path, int keys, long bytes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Saving snapshot {Path} failed; the previous snapshot is intact")]
    private static partial void LogSaveFailed(ILogger logger, string path, Exception exception);
}

/// <summary>A captured view and what its save needs to know.</summary>
internal sealed record Capture(StoreSnapshot Snapshot, long LogSequence, long Generation);
