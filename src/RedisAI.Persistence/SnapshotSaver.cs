using Microsoft.Extensions.Logging;
using RedisAI.Persistence.AppendLog;

namespace RedisAI.Persistence;

/// <summary>
/// Saves the store: on demand, in the background when the <see cref="SaveSchedule"/> says so, and once more at stop.
/// Owns the manager's life cycle (not started, running, stopping, stopped), since saves are what it starts and stops.
/// </summary>
/// <remarks>
/// Thread-safe. A save first captures the store's state (with the log rotation that goes with it), in order under one
/// lock, then hands the capture to the <see cref="SnapshotWriter"/>.
/// </remarks>
internal sealed partial class SnapshotSaver
{
    private const int NotStarted = 0;
    private const int Running = 1;
    private const int Stopped = 2;

    // Stopping: only the shutdown save may still capture.
    private const int Stopping = 3;

    private readonly AiStore _store;
    private readonly SnapshotWriter _writer;
    private readonly AppendLogRotation _log;
    private readonly SaveSchedule _schedule;
    private readonly bool _saveOnShutdown;
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Orders captures (with the log rotation that goes with each) and guards _state.
    private readonly Lock _gate = new();
    private ITimer? _policyTimer;
    private int _state;
    private Task _lastBackgroundSave = Task.CompletedTask;

    /// <param name="store">The store to save.</param>
    /// <param name="writer">Writes the captures.</param>
    /// <param name="log">The log rotated with each capture.</param>
    /// <param name="schedule">When background saves are due.</param>
    /// <param name="saveOnShutdown">Whether <see cref="Stop"/> takes a last save.</param>
    /// <param name="path">The snapshot file, for the logs.</param>
    /// <param name="time">The clock of the policy checks.</param>
    /// <param name="logger">Where saves that cannot be started are reported.</param>
    public SnapshotSaver(
        AiStore store, SnapshotWriter writer, AppendLogRotation log, SaveSchedule schedule, bool saveOnShutdown, string path, TimeProvider time, ILogger logger)
    {
        _store = store;
        _writer = writer;
        _log = log;
        _schedule = schedule;
        _saveOnShutdown = saveOnShutdown;
        _path = path;
        _time = time;
        _logger = logger;
    }

    /// <summary>The most recent background save (including one a policy started); a completed task when none.</summary>
    public Task LastBackgroundSave => Volatile.Read(ref _lastBackgroundSave);

    /// <summary>Where saving stands.</summary>
    public SnapshotStatus GetStatus()
    {
        long changeCount = _store.ChangeCount;
        SaveHistory history = _writer.History;
        return new SnapshotStatus(
            history.LastSaveTime, history.LastOutcome, history.LastError, history.LastDuration, history.LastBytes, _writer.SaveInProgress,
            changeCount - history.SavedChangeCount, _log.Writer is not null, _log.CurrentBytes, _log.Error);
    }

    /// <summary>Throws unless saving was never started: a load must not run under a started manager.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ObjectDisposedException">Stopped.</exception>
    public void EnsureNotStarted()
    {
        lock (_gate)
        {
            EnsureNotStartedLocked();
        }
    }

    /// <summary>Starts saving: opens the log at <paramref name="logSequence"/> and starts checking the save policies.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ObjectDisposedException">Stopped.</exception>
    /// <exception cref="SnapshotException">The log cannot be created; nothing started.</exception>
    public void Start(long logSequence)
    {
        lock (_gate)
        {
            EnsureNotStartedLocked();
            _log.Open(logSequence);
            _writer.Start(_store.ChangeCount);
            _state = Running;
        }

        _policyTimer = _time.CreateTimer(static state => ((SnapshotSaver)state!).CheckPolicies(), this, _schedule.CheckInterval, _schedule.CheckInterval);
    }

    /// <summary>Captures and writes on the calling thread.</summary>
    /// <exception cref="SnapshotException">The save failed; the previous snapshot is intact.</exception>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    /// <exception cref="ObjectDisposedException">Stopped.</exception>
    public void Save() => _writer.Write(Capture(), CancellationToken.None);

    /// <summary>Captures now and writes on a dedicated thread (a save is long, blocking file I/O).</summary>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    /// <exception cref="ObjectDisposedException">Stopped.</exception>
    public Task SaveAsync(CancellationToken cancellationToken)
    {
        var capture = Capture();
        return Task.Factory.StartNew(
            () => _writer.Write(capture, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>As <see cref="SaveAsync"/> without cancellation, remembered as <see cref="LastBackgroundSave"/>.</summary>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    /// <exception cref="ObjectDisposedException">Stopped.</exception>
    public Task BackgroundSave()
    {
        var task = SaveAsync(CancellationToken.None);
        Volatile.Write(ref _lastBackgroundSave, task);
        return task;
    }

    /// <summary>
    /// Stops the policies; saves if configured to (a failure is logged); waits for a save in flight; then flushes and
    /// closes the log. Blocks until done. Calling it again is harmless.
    /// </summary>
    public void Stop()
    {
        bool wasRunning;
        lock (_gate)
        {
            wasRunning = _state == Running;
            if (_state >= Stopped)
            {
                return;
            }

            _state = Stopping;
        }

        _policyTimer?.Dispose();
        if (wasRunning && _saveOnShutdown)
        {
            TrySave(static saver => saver._writer.Write(saver.Capture(allowStopping: true), CancellationToken.None));
        }

        _writer.WaitForSaveInFlight();
        lock (_gate)
        {
            _state = Stopped;
        }

        _log.Dispose();
    }

    private Capture Capture(bool allowStopping = false)
    {
        lock (_gate)
        {
            if (_state != Running && !(allowStopping && _state == Stopping))
            {
                ObjectDisposedException.ThrowIf(_state >= Stopped, typeof(SnapshotManager));
                throw new InvalidOperationException("the snapshot manager is not started: call Load or Start first");
            }

            // Rotate first: every change after the capture then lands in the new segment (see AppendLogWriter.Rotate).
            long sequence = _log.Rotate();
            return _writer.Accept(_store.CreateSnapshot(), sequence);
        }
    }

    private void CheckPolicies()
    {
        if (_writer.SaveInProgress)
        {
            return;
        }

        lock (_gate)
        {
            if (_state != Running)
            {
                return;
            }
        }

        SaveHistory history = _writer.History;
        if (_schedule.IsDue(history, _store.ChangeCount, _time.GetUtcNow(), _log.NeedsRewrite(history.LastBytes)))
        {
            // The outcome is in the status; observing a fault here keeps it from being reported as unobserved.
            TrySave(static saver => saver.BackgroundSave().ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default));
        }
    }

    private void TrySave(Action<SnapshotSaver> save)
    {
        try
        {
            save(this);
        }
        catch (Exception ex) when (ex is SnapshotException or ObjectDisposedException or InvalidOperationException)
        {
            LogSaveNotStarted(_logger, _path, ex);
        }
    }

    private void EnsureNotStartedLocked()
    {
        ObjectDisposedException.ThrowIf(_state >= Stopped, typeof(SnapshotManager));
        if (_state != NotStarted)
        {
            throw new InvalidOperationException("the snapshot manager was already started (Load or Start is called once)");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A save of snapshot {Path} could not be started")]
    private static partial void LogSaveNotStarted(ILogger logger, string path, Exception exception);
}
