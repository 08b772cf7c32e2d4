using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RedisAI.Persistence.AppendLog;

namespace RedisAI.Persistence;

/// <summary>
/// Keeps an <see cref="AiStore"/> on disk, as Redis's RDB and AOF do: loads the snapshot (and the append-only log
/// after it) at startup, saves on demand, in the background when a <see cref="SavePolicy"/> is met, and at shutdown.
/// </summary>
/// <remarks>
/// <para>Use: create it next to the store, call <see cref="Load"/> (or <see cref="Start"/> to begin empty, or
/// <see cref="LoadOrStartEmpty"/>) before the application writes to the store, and dispose it before the store.</para>
/// <para>A save captures the store's state at the instant it is called (<see cref="AiStore.CreateSnapshot"/> copies
/// references, not data), then writes it out while writers go on. The file is written under a temporary name, flushed
/// to the disk and renamed over the previous snapshot, so the previous snapshot survives any failure or crash.</para>
/// <para>Thread-safe: every member may be called from any thread. Saves are written one at a time, in the order they
/// were captured; a save that a newer one overtook is skipped (the newer file holds everything it would have).</para>
/// </remarks>
public sealed class SnapshotManager : IDisposable, IAsyncDisposable
{
    private readonly string _path;
    private readonly SnapshotLoader _loader;
    private readonly SnapshotSaver _saver;
    private readonly SnapshotWriter _writer;
    private readonly AppendLogRotation _log;

    /// <summary>Creates the manager. Nothing is read or written until <see cref="Load"/> or <see cref="Start"/>.</summary>
    /// <param name="store">The store to persist. Its registered backends re-create models at load.</param>
    /// <param name="options">Settings; validated now and copied (later changes to the object have no effect).</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="timeProvider">
    /// The clock for save policies, the log's once-a-second flush and the name of a snapshot moved aside by
    /// <see cref="LoadOrStartEmpty"/>; the store's <see cref="AiStore.TimeProvider"/> when null.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="AiArgumentException">The options are invalid.</exception>
    public SnapshotManager(AiStore store, SnapshotOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _path = Path.GetFullPath(options.Path);
        var logOptions = new AppendLogOptions
        {
            Enabled = options.AppendLog.Enabled,
            Fsync = options.AppendLog.Fsync,
            RewriteMinSize = options.AppendLog.RewriteMinSize,
            RewritePercentage = options.AppendLog.RewritePercentage,
            LoadTruncated = options.AppendLog.LoadTruncated,
        };
        var time = timeProvider ?? store.TimeProvider;
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SnapshotManager>();
        _loader = new SnapshotLoader(store, _path, logOptions, options.SkipFailedKeysOnLoad, time, logger);
        _log = new AppendLogRotation(store, _path, options.UnixFileMode, logOptions, time, logger);
        _writer = new SnapshotWriter(_path, options.UnixFileMode, _log, time, logger);
        var schedule = new SaveSchedule(options.SavePolicies, options.PolicyCheckInterval, options.SaveRetryDelay);
        _saver = new SnapshotSaver(store, _writer, _log, schedule, options.SaveOnShutdown, _path, time, logger);
    }

    /// <summary>The snapshot file (full path).</summary>
    public string FilePath => _path;

    /// <summary>When the last successful save finished; null when none has.</summary>
    public DateTimeOffset? LastSaveTime => _writer.History.LastSaveTime;

    /// <summary>How the last save ended.</summary>
    public SaveOutcome LastSaveStatus => _writer.History.LastOutcome;

    /// <summary>Whether a save is running or waiting to run.</summary>
    public bool SaveInProgress => _writer.SaveInProgress;

    /// <summary>The most recent background save (including one a policy started); a completed task when none.</summary>
    internal Task LastBackgroundSave => _saver.LastBackgroundSave;

    /// <summary>Test seam: wraps the stream a save writes the temporary file through (to slow it down or make it fail).</summary>
    internal Func<Stream, Stream>? SaveStreamWrapper
    {
        get => _writer.StreamWrapper;
        set => _writer.StreamWrapper = value;
    }

    internal AppendLogWriter? Log => _log.Writer;

    /// <summary>Where saving stands.</summary>
    public SnapshotStatus GetStatus() => _saver.GetStatus();

    /// <summary>
    /// Loads the snapshot, and with the append-only log on, replays the log after it; then starts the save policies
    /// and the log. Everything is read and verified, and every model compiled, before the store changes; the store's
    /// contents are then replaced in one step. When there is no snapshot, the store starts empty.
    /// </summary>
    /// <returns>What was loaded.</returns>
    /// <exception cref="SnapshotException">
    /// A file is truncated, corrupted, foreign or from a newer version, or models could not be re-created (their keys
    /// are listed): nothing was loaded and nothing started. The application decides what follows: fix the cause and
    /// call <see cref="Load"/> again, or call <see cref="Start"/> to begin empty (or use <see cref="LoadOrStartEmpty"/>).
    /// </exception>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public SnapshotLoadResult Load() => LoadCore(CancellationToken.None);

    /// <summary>As <see cref="Load"/>, on a thread-pool thread.</summary>
    /// <exception cref="OperationCanceledException">Cancelled before the store changed; nothing was loaded.</exception>
    public Task<SnapshotLoadResult> LoadAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => LoadCore(cancellationToken), cancellationToken);

    /// <summary>
    /// As <see cref="Load"/>, but a load that fails does not stop the start: the snapshot file is moved aside to
    /// <c>&lt;path&gt;.corrupt-&lt;yyyyMMddHHmmss&gt;</c> (UTC, on this manager's <see cref="TimeProvider"/>), so
    /// nothing overwrites it, and the manager starts empty as <see cref="Start"/> does. For applications that would
    /// rather run without the data than not run.
    /// </summary>
    /// <remarks>
    /// Append-only log segments are not moved: when there are any, the first save replaces them, as with
    /// <see cref="Start"/>.
    /// </remarks>
    /// <returns>What was loaded, or why nothing was and where the snapshot went.</returns>
    /// <exception cref="SnapshotException">
    /// The snapshot could not be moved aside (nothing started), or the first save after starting empty failed (the
    /// manager is started regardless).
    /// </exception>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public SnapshotStartResult LoadOrStartEmpty() => LoadOrStartEmptyCore(CancellationToken.None);

    /// <summary>As <see cref="LoadOrStartEmpty"/>, on a thread-pool thread.</summary>
    /// <exception cref="OperationCanceledException">Cancelled before the store changed; nothing was loaded or moved.</exception>
    public Task<SnapshotStartResult> LoadOrStartEmptyAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => LoadOrStartEmptyCore(cancellationToken), cancellationToken);

    /// <summary>
    /// Starts the save policies and the log without loading. When a snapshot or log already exists, a save is taken at
    /// once, which replaces them with the store's current contents (move them aside first to keep them).
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    /// <exception cref="SnapshotException">The first save failed (the manager is started regardless).</exception>
    public void Start()
    {
        _saver.EnsureNotStarted();
        long logSequence = _loader.PrepareEmptyStart(out bool filesExist);
        _saver.Start(logSequence);
        if (filesExist)
        {
            _saver.Save();
        }
    }

    /// <summary>Saves now, on the calling thread (Redis's SAVE): returns once the snapshot is on the disk.</summary>
    /// <exception cref="SnapshotException">The save failed; the previous snapshot is intact.</exception>
    /// <exception cref="InvalidOperationException">Not started (call <see cref="Load"/> or <see cref="Start"/>).</exception>
    public void Save() => _saver.Save();

    /// <summary>
    /// Captures the store's state now and writes it on a background thread; the task completes once the snapshot is
    /// on the disk. Writers are not held up beyond the capture.
    /// </summary>
    /// <exception cref="SnapshotException">(In the task) the save failed; the previous snapshot is intact.</exception>
    /// <exception cref="OperationCanceledException">(In the task) cancelled; the previous snapshot is intact.</exception>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    public Task SaveAsync(CancellationToken cancellationToken = default) => _saver.SaveAsync(cancellationToken);

    /// <summary>
    /// Redis's BGSAVE: as <see cref="SaveAsync"/>, without cancellation. The state saved is the state at the call;
    /// writes made after it returns are not in this snapshot. The outcome also shows in <see cref="GetStatus"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    public Task BackgroundSave() => _saver.BackgroundSave();

    /// <summary>Stops the policies; saves if <see cref="SnapshotOptions.SaveOnShutdown"/>; flushes and closes the log. Blocks until done.</summary>
    public void Dispose() => _saver.Stop();

    /// <summary>
    /// As <see cref="Dispose"/>, on a dedicated thread rather than the caller's: the shutdown save and the log's last
    /// flush are blocking file I/O.
    /// </summary>
    public ValueTask DisposeAsync() => new(Task.Factory.StartNew(
        static saver => ((SnapshotSaver)saver!).Stop(), _saver, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));

    private SnapshotLoadResult LoadCore(CancellationToken cancellationToken)
    {
        _saver.EnsureNotStarted();
        LoadedFiles loaded = _loader.Load(cancellationToken);
        _saver.Start(loaded.NextLogSequence);
        return loaded.Result;
    }

    private SnapshotStartResult LoadOrStartEmptyCore(CancellationToken cancellationToken)
    {
        try
        {
            return new SnapshotStartResult(LoadCore(cancellationToken), null, null);
        }
        catch (SnapshotException ex)
        {
            string? movedTo = _loader.MoveAside(ex);
            Start();
            return new SnapshotStartResult(null, ex, movedTo);
        }
    }
}
