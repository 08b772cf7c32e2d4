using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RedisAI.Persistence.AppendLog;
using RedisAI.Persistence.Format;

namespace RedisAI.Persistence;

/// <summary>
/// Keeps an <see cref="AiStore"/> on disk, as Redis's RDB and AOF do: loads the snapshot (and the append-only log
/// after it) at startup, saves on demand, in the background when a <see cref="SavePolicy"/> is met, and at shutdown.
/// </summary>
/// <remarks>
/// <para>Use: create it next to the store, call <see cref="Load"/> (or <see cref="Start"/> to begin empty) before the
/// application writes to the store, and dispose it before the store.</para>
/// <para>A save captures the store's state at the instant it is called (<see cref="AiStore.CreateSnapshot"/> copies
/// references, not data), then writes it out while writers go on. The file is written under a temporary name, flushed
/// to the disk and renamed over the previous snapshot, so the previous snapshot survives any failure or crash.</para>
/// <para>Thread-safe: every member may be called from any thread. Saves are written one at a time, in the order they
/// were captured; a save that a newer one overtook is skipped (the newer file holds everything it would have).</para>
/// </remarks>
public sealed partial class SnapshotManager : IDisposable, IAsyncDisposable
{
    private const int NotStarted = 0;
    private const int Running = 1;
    private const int Stopped = 2;

    // Disposing: only the shutdown save may still capture.
    private const int Stopping = 3;

    private readonly AiStore _store;
    private readonly string _path;
    private readonly SavePolicy[] _policies;
    private readonly bool _saveOnShutdown;
    private readonly TimeSpan _policyInterval;
    private readonly TimeSpan _retryDelay;
    private readonly bool _skipFailedKeys;
    private readonly AppendLogOptions _logOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Orders captures (with the log rotation that goes with each) and guards the status fields.
    private readonly Lock _gate = new();

    // One save writes the file at a time.
    private readonly SemaphoreSlim _fileLock = new(1, 1);
    private ITimer? _policyTimer;
    private AppendLogWriter? _log;
    private int _state;
    private long _logSequenceWhenOff = 1;
    private long _generation;
    private long _writtenGeneration;
    private int _pendingSaves;
    private Task _lastBackgroundSave = Task.CompletedTask;

    private DateTimeOffset _policyBase;
    private DateTimeOffset? _lastSaveTime;
    private DateTimeOffset _lastAttempt;
    private SaveOutcome _lastOutcome;
    private string? _lastError;
    private TimeSpan _lastDuration;
    private long _lastBytes;
    private long _savedChangeCount;

    /// <summary>Creates the manager. Nothing is read or written until <see cref="Load"/> or <see cref="Start"/>.</summary>
    /// <param name="store">The store to persist. Its registered backends re-create models at load.</param>
    /// <param name="options">Settings; validated now and copied (later changes to the object have no effect).</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="timeProvider">The clock for save policies and the log's once-a-second flush; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="AiArgumentException">The options are invalid.</exception>
    public SnapshotManager(AiStore store, SnapshotOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _path = Path.GetFullPath(options.Path);
        _policies = [.. options.SavePolicies];
        _saveOnShutdown = options.SaveOnShutdown;
        _policyInterval = options.PolicyCheckInterval;
        _retryDelay = options.SaveRetryDelay;
        _skipFailedKeys = options.SkipFailedKeysOnLoad;
        _logOptions = new AppendLogOptions
        {
            Enabled = options.AppendLog.Enabled,
            Fsync = options.AppendLog.Fsync,
            RewriteMinSize = options.AppendLog.RewriteMinSize,
            RewritePercentage = options.AppendLog.RewritePercentage,
            LoadTruncated = options.AppendLog.LoadTruncated,
        };
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SnapshotManager>();
    }

    /// <summary>The snapshot file (full path).</summary>
    public string FilePath => _path;

    /// <summary>When the last successful save finished; null when none has.</summary>
    public DateTimeOffset? LastSaveTime
    {
        get
        {
            lock (_gate)
            {
                return _lastSaveTime;
            }
        }
    }

    /// <summary>How the last save ended.</summary>
    public SaveOutcome LastSaveStatus
    {
        get
        {
            lock (_gate)
            {
                return _lastOutcome;
            }
        }
    }

    /// <summary>Whether a save is running or waiting to run.</summary>
    public bool SaveInProgress => Volatile.Read(ref _pendingSaves) > 0;

    /// <summary>The most recent background save (including one a policy started); a completed task when none.</summary>
    internal Task LastBackgroundSave => Volatile.Read(ref _lastBackgroundSave);

    /// <summary>Test seam: wraps the stream a save writes the temporary file through (to slow it down or make it fail).</summary>
    internal Func<Stream, Stream>? SaveStreamWrapper { get; set; }

    internal AppendLogWriter? Log => _log;

    /// <summary>Where saving stands.</summary>
    public SnapshotStatus GetStatus()
    {
        long changeCount = _store.ChangeCount;
        var log = _log;
        lock (_gate)
        {
            return new SnapshotStatus(
                _lastSaveTime, _lastOutcome, _lastError, _lastDuration, _lastBytes, SaveInProgress, changeCount - _savedChangeCount,
                log is not null, log?.CurrentBytes ?? 0, log?.Failure?.Message);
        }
    }

    /// <summary>
    /// Loads the snapshot, and with the append-only log on, replays the log after it; then starts the save policies
    /// and the log. Everything is read and verified, and every model compiled, before the store changes; the store's
    /// contents are then replaced in one step. When there is no snapshot, the store starts empty.
    /// </summary>
    /// <returns>What was loaded.</returns>
    /// <exception cref="SnapshotException">
    /// A file is truncated, corrupted, foreign or from a newer version, or models could not be re-created (their keys
    /// are listed): nothing was loaded and nothing started. The application decides what follows: fix the cause and
    /// call <see cref="Load"/> again, or call <see cref="Start"/> to begin empty.
    /// </exception>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public SnapshotLoadResult Load() => LoadCore(CancellationToken.None);

    /// <summary>As <see cref="Load"/>, on a thread-pool thread.</summary>
    /// <exception cref="OperationCanceledException">Cancelled before the store changed; nothing was loaded.</exception>
    public Task<SnapshotLoadResult> LoadAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => LoadCore(cancellationToken), cancellationToken);

    /// <summary>
    /// Starts the save policies and the log without loading. When a snapshot or log already exists, a save is taken at
    /// once, which replaces them with the store's current contents (move them aside first to keep them).
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    /// <exception cref="SnapshotException">The first save failed (the manager is started regardless).</exception>
    public void Start()
    {
        EnsureNotStarted();
        DurableFile.DeleteStaleTemps(_path);
        var segments = LogSegments.List(_path);
        bool existing = File.Exists(_path) || segments.Count > 0;
        StartRunning(segments.Count > 0 ? segments.Keys.Max() + 1 : 1);
        if (existing)
        {
            Save();
        }
    }

    /// <summary>Saves now, on the calling thread (Redis's SAVE): returns once the snapshot is on the disk.</summary>
    /// <exception cref="SnapshotException">The save failed; the previous snapshot is intact.</exception>
    /// <exception cref="InvalidOperationException">Not started (call <see cref="Load"/> or <see cref="Start"/>).</exception>
    public void Save()
    {
        var capture = Capture();
        Write(capture, CancellationToken.None);
    }

    /// <summary>
    /// Captures the store's state now and writes it on a background thread; the task completes once the snapshot is
    /// on the disk. Writers are not held up beyond the capture.
    /// </summary>
    /// <exception cref="SnapshotException">(In the task) the save failed; the previous snapshot is intact.</exception>
    /// <exception cref="OperationCanceledException">(In the task) cancelled; the previous snapshot is intact.</exception>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    public Task SaveAsync(CancellationToken cancellationToken = default)
    {
        var capture = Capture();
        return Task.Factory.StartNew(
            () => Write(capture, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Redis's BGSAVE: as <see cref="SaveAsync"/>, without cancellation. The state saved is the state at the call;
    /// writes made after it returns are not in this snapshot. The outcome also shows in <see cref="GetStatus"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    public Task BackgroundSave()
    {
        var task = SaveAsync(CancellationToken.None);
        Volatile.Write(ref _lastBackgroundSave, task);
        return task;
    }

    /// <summary>Stops the policies; saves if <see cref="SnapshotOptions.SaveOnShutdown"/>; flushes and closes the log. Blocks until done.</summary>
    public void Dispose()
    {
        if (!BeginStop(out bool wasRunning))
        {
            return;
        }

        if (wasRunning && _saveOnShutdown)
        {
            TrySave(() => Write(Capture(allowStopping: true), CancellationToken.None));
        }

        // Wait for a save in flight: the process may be about to exit.
        _fileLock.Wait();
        _fileLock.Release();
        lock (_gate)
        {
            _state = Stopped;
        }

        if (_log is { } log)
        {
            _store.RemoveChangeListener(log);
            log.Dispose();
        }
    }

    /// <summary>As <see cref="Dispose"/>, without blocking a thread.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!BeginStop(out bool wasRunning))
        {
            return;
        }

        if (wasRunning && _saveOnShutdown)
        {
            try
            {
                var capture = Capture(allowStopping: true);
                await Task.Factory.StartNew(
                    () => Write(capture, CancellationToken.None), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SnapshotException or ObjectDisposedException or InvalidOperationException)
            {
                LogShutdownSaveFailed(_logger, _path, ex);
            }
        }

        await _fileLock.WaitAsync().ConfigureAwait(false);
        _fileLock.Release();
        lock (_gate)
        {
            _state = Stopped;
        }

        if (_log is { } log)
        {
            _store.RemoveChangeListener(log);
            await log.DisposeAsync().ConfigureAwait(false);
        }
    }

    private SnapshotLoadResult LoadCore(CancellationToken cancellationToken)
    {
        EnsureNotStarted();
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

        StartRunning(nextSequence);
        LogLoaded(_logger, _path, result.Restored, logRecords, result.Expired);
        foreach (var failure in result.Failures)
        {
            LogKeySkipped(_logger, failure.Key, failure.Error.Message);
        }

        return new SnapshotLoadResult(
            snapshot is not null, snapshot?.CreatedAt, result.Restored, result.Expired, logRecords, torn?.Dropped ?? 0, result.Failures);
    }

    private void StartRunning(long logSequence)
    {
        lock (_gate)
        {
            EnsureNotStartedLocked();
            if (_logOptions.Enabled)
            {
                try
                {
                    _log = new AppendLogWriter(_path, logSequence, _logOptions.Fsync, _time, _logger);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new SnapshotException(AiErrorCode.PersistenceFailed, $"cannot create the append-only log next to '{_path}': {ex.Message}", _path, ex);
                }

                _store.AddChangeListener(_log);
            }
            else
            {
                _logSequenceWhenOff = logSequence;
            }

            _savedChangeCount = _store.ChangeCount;
            _policyBase = _time.GetUtcNow();
            _state = Running;
        }

        _policyTimer = _time.CreateTimer(static state => ((SnapshotManager)state!).CheckPolicies(), this, _policyInterval, _policyInterval);
    }

    private Capture Capture(bool allowStopping = false)
    {
        lock (_gate)
        {
            if (_state != Running && !(allowStopping && _state == Stopping))
            {
                ObjectDisposedException.ThrowIf(_state >= Stopped, this);
                throw new InvalidOperationException("the snapshot manager is not started: call Load or Start first");
            }

            // Rotate first: every change after the capture then lands in the new segment (see AppendLogWriter.Rotate).
            long sequence = _log?.Rotate() ?? _logSequenceWhenOff;
            StoreSnapshot snapshot = _store.CreateSnapshot();
            Interlocked.Increment(ref _pendingSaves);
            return new Capture(snapshot, sequence, ++_generation);
        }
    }

    private void Write(Capture capture, CancellationToken cancellationToken)
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
            lock (_gate)
            {
                _lastSaveTime = _lastAttempt = _time.GetUtcNow();
                _lastOutcome = SaveOutcome.Succeeded;
                _lastError = null;
                _lastDuration = duration;
                _lastBytes = bytes;
                _savedChangeCount = capture.Snapshot.ChangeCount;
            }

            _log?.DeleteBefore(capture.LogSequence);
            LogSaved(_logger, _path, capture.Snapshot.Count, bytes, duration.TotalMilliseconds);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingSaves);
            _fileLock.Release();
        }
    }

    private long WriteFile(Capture capture, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DurableFile.DirectoryOf(_path));
        string temp = DurableFile.NewTempPath(_path);
        try
        {
            long bytes;
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                Stream stream = SaveStreamWrapper?.Invoke(file) ?? file;
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

    private void RecordFailure(Exception ex)
    {
        lock (_gate)
        {
            _lastAttempt = _time.GetUtcNow();
            _lastOutcome = SaveOutcome.Failed;
            _lastError = ex.Message;
        }

        if (ex is not OperationCanceledException)
        {
            LogSaveFailed(_logger, _path, ex);
        }
    }

    private void CheckPolicies()
    {
        if (Volatile.Read(ref _pendingSaves) > 0)
        {
            return;
        }

        DateTimeOffset now = _time.GetUtcNow();
        long changes;
        TimeSpan elapsed;
        long lastBytes;
        lock (_gate)
        {
            if (_state != Running || (_lastOutcome == SaveOutcome.Failed && now - _lastAttempt < _retryDelay))
            {
                return;
            }

            changes = _store.ChangeCount - _savedChangeCount;
            elapsed = now - (_lastSaveTime ?? _policyBase);
            lastBytes = _lastBytes;
        }

        bool due = false;
        foreach (var policy in _policies)
        {
            due |= changes >= policy.MinChanges && elapsed >= policy.Interval;
        }

        if (_log is { } log)
        {
            long logBytes = log.CurrentBytes;
            due |= log.Failure is not null
                || (_logOptions.RewritePercentage > 0 && logBytes >= _logOptions.RewriteMinSize && logBytes * 100 >= lastBytes * _logOptions.RewritePercentage);
        }

        if (due)
        {
            TrySave(() => BackgroundSave().ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default));
        }
    }

    private void TrySave(Action save)
    {
        try
        {
            save();
        }
        catch (Exception ex) when (ex is SnapshotException or ObjectDisposedException or InvalidOperationException)
        {
            LogShutdownSaveFailed(_logger, _path, ex);
        }
    }

    private bool BeginStop(out bool wasRunning)
    {
        lock (_gate)
        {
            wasRunning = _state == Running;
            if (_state >= Stopped)
            {
                return false;
            }

            _state = Stopping;
        }

        _policyTimer?.Dispose();
        return true;
    }

    private void EnsureNotStarted()
    {
        lock (_gate)
        {
            EnsureNotStartedLocked();
        }
    }

    private void EnsureNotStartedLocked()
    {
        ObjectDisposedException.ThrowIf(_state >= Stopped, this);
        if (_state != NotStarted)
        {
            throw new InvalidOperationException("the snapshot manager was already started (Load or Start is called once)");
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Saved snapshot {Path}: {Keys} keys, {Bytes} bytes in {Milliseconds} ms")]
    private static partial void LogSaved(ILogger logger, string path, int keys, long bytes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Saving snapshot {Path} failed; the previous snapshot is intact")]
    private static partial void LogSaveFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A save of snapshot {Path} could not be started")]
    private static partial void LogShutdownSaveFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Path}: {Keys} keys, {LogRecords} log records replayed, {Expired} expired keys left out")]
    private static partial void LogLoaded(ILogger logger, string path, int keys, long logRecords, int expired);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Append-only log {Path} ended in a torn record (a crash mid-append): its last {Dropped} bytes were dropped, the file cut to {Length} bytes")]
    private static partial void LogTruncatedRecord(ILogger logger, string path, long length, long dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key {Key} was not loaded: {Reason}")]
    private static partial void LogKeySkipped(ILogger logger, string key, string reason);
}

/// <summary>A captured view and what its save needs to know.</summary>
internal sealed record Capture(StoreSnapshot Snapshot, long LogSequence, long Generation);
