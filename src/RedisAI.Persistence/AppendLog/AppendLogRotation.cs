using Microsoft.Extensions.Logging;

namespace RedisAI.Persistence.AppendLog;

/// <summary>
/// The append-only log as saves drive it: opened when saving starts (at the segment the load found next), rotated to
/// a new segment by each capture, trimmed of the segments each saved snapshot made obsolete, and closed at stop.
/// With the log off it only hands out the segment number snapshots record, so that turning the log on later
/// continues past any stale segments.
/// </summary>
/// <remarks>
/// <see cref="Open"/> and <see cref="Rotate"/> are called under the saver's capture lock, which orders rotations with
/// captures; the other members may be called from any thread.
/// </remarks>
internal sealed class AppendLogRotation : IDisposable
{
    private readonly AiStore _store;
    private readonly string _snapshotPath;
    private readonly UnixFileMode _fileMode;
    private readonly AppendLogOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private AppendLogWriter? _writer;
    private long _sequenceWhenOff = 1;

    /// <param name="store">The store whose changes are recorded.</param>
    /// <param name="snapshotPath">The snapshot file the segments sit next to (full path).</param>
    /// <param name="fileMode">The permissions segments are created with (Unix).</param>
    /// <param name="options">Settings; not changed afterwards.</param>
    /// <param name="time">The clock of the once-a-second flush.</param>
    /// <param name="logger">Where write failures are reported.</param>
    public AppendLogRotation(AiStore store, string snapshotPath, UnixFileMode fileMode, AppendLogOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _snapshotPath = snapshotPath;
        _fileMode = fileMode;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The writer recording changes; null before <see cref="Open"/> or with the log off.</summary>
    public AppendLogWriter? Writer => _writer;

    /// <summary>Bytes in the current segment (0 with the log off).</summary>
    public long CurrentBytes => _writer?.CurrentBytes ?? 0;

    /// <summary>Why the log cannot be written, when it cannot.</summary>
    public string? Error => _writer?.Failure?.Message;

    /// <summary>With the log on, creates segment <paramref name="sequence"/> and starts recording every change of the store.</summary>
    /// <exception cref="SnapshotException">The segment cannot be created.</exception>
    public void Open(long sequence)
    {
        if (!_options.Enabled)
        {
            _sequenceWhenOff = sequence;
            return;
        }

        try
        {
            _writer = new AppendLogWriter(_snapshotPath, _fileMode, sequence, _options.Fsync, _time, _logger);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SnapshotException(AiErrorCode.PersistenceFailed, $"cannot create the append-only log next to '{_snapshotPath}': {ex.Message}", _snapshotPath, ex);
        }

        _store.AddChangeListener(_writer);
    }

    /// <summary>
    /// Starts the segment that continues the snapshot about to be captured. Call just before the capture: every change
    /// after it then lands in the new segment (see <see cref="AppendLogWriter.Rotate"/>).
    /// </summary>
    /// <returns>The sequence the snapshot records as the first segment to replay after it.</returns>
    public long Rotate() => _writer?.Rotate() ?? _sequenceWhenOff;

    /// <summary>Deletes the segments before <paramref name="sequence"/>, which a saved snapshot made obsolete.</summary>
    public void DeleteBefore(long sequence) => _writer?.DeleteBefore(sequence);

    /// <summary>
    /// Whether a save should rewrite the log: it cannot be written (only a save lets writes in again), or it has grown
    /// past <see cref="AppendLogOptions.RewriteMinSize"/> and <see cref="AppendLogOptions.RewritePercentage"/> of the
    /// last snapshot's size.
    /// </summary>
    /// <param name="snapshotBytes">The size of the last snapshot written.</param>
    public bool NeedsRewrite(long snapshotBytes)
    {
        if (_writer is not { } writer)
        {
            return false;
        }

        long bytes = writer.CurrentBytes;
        return writer.Failure is not null
            || (_options.RewritePercentage > 0 && bytes >= _options.RewriteMinSize && bytes * 100 >= snapshotBytes * _options.RewritePercentage);
    }

    /// <summary>Stops recording, then writes out and flushes what is queued and closes the segment, blocking until done.</summary>
    public void Dispose()
    {
        if (_writer is { } writer)
        {
            _store.RemoveChangeListener(writer);
            writer.Dispose();
        }
    }
}
