using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RedisAI.Persistence.Format;

namespace RedisAI.Persistence.AppendLog;

/// <summary>
/// Records every change of a store in the current log segment. Registered as the store's change listener, so it
/// hears of changes under the store's write lock, in apply order.
/// </summary>
/// <remarks>
/// <para>With <see cref="AppendLogFsync.Always"/> the record is written and flushed to the disk inside the listener
/// call, so a write returns only once it is durable, and a write that cannot be recorded fails. Otherwise the
/// listener only queues the change (values are immutable, so queuing a reference is enough) and one writer task
/// appends the queue in order, hands it to the operating system as soon as the queue is drained, and flushes to the
/// disk once a second (<see cref="AppendLogFsync.EverySecond"/>) or never.</para>
/// <para>When the log cannot be written, every later write to the store is refused until a snapshot succeeds: the
/// snapshot holds everything, and the rotation it makes starts a fresh segment.</para>
/// <para>Thread-safe.</para>
/// </remarks>
internal sealed partial class AppendLogWriter : IStoreChangeListener, IDisposable, IAsyncDisposable
{
    private readonly string _snapshotPath;
    private readonly UnixFileMode _fileMode;
    private readonly AppendLogFsync _fsync;
    private readonly ILogger _logger;
    private readonly Lock _fileLock = new();
    private readonly Channel<Item>? _queue;
    private readonly Task? _writerTask;
    private readonly ITimer? _syncTimer;
    private Segment? _segment;
    private long _nextSequence;
    private long _obsoleteBefore;
    private Exception? _failure;
    private bool _disposed;

    /// <summary>Opens segment <paramref name="sequence"/> (new, with permissions <paramref name="fileMode"/>) and starts recording.</summary>
    /// <exception cref="IOException">The segment cannot be created.</exception>
    public AppendLogWriter(string snapshotPath, UnixFileMode fileMode, long sequence, AppendLogFsync fsync, TimeProvider time, ILogger logger)
    {
        _snapshotPath = snapshotPath;
        _fileMode = fileMode;
        _fsync = fsync;
        _logger = logger;
        _segment = Segment.Create(snapshotPath, sequence, fileMode);
        _nextSequence = sequence + 1;
        if (fsync != AppendLogFsync.Always)
        {
            // Unbounded: the listener runs under the store's write lock and must never wait. The writer drains it as
            // fast as the disk allows; what is queued is references to immutable values, not copies.
            _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
            _writerTask = Task.Run(WriteLoopAsync);
            if (fsync == AppendLogFsync.EverySecond)
            {
                _syncTimer = time.CreateTimer(static state => ((AppendLogWriter)state!).RequestSync(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            }
        }
    }

    private enum ItemKind
    {
        Change,
        Rotate,
        Sync,
        Barrier,
    }

    /// <summary>The sequence of the segment new changes go to.</summary>
    public long CurrentSequence => Interlocked.Read(ref _nextSequence) - 1;

    /// <summary>Bytes written to the current segment.</summary>
    public long CurrentBytes => Volatile.Read(ref _segment)?.Writer.Position ?? 0;

    /// <summary>Why the log cannot be written, when it cannot.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    public void OnChange(in StoreChange change)
    {
        if (change.Kind == StoreChangeKind.Expired)
        {
            return;
        }

        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw Refused(failure);
        }

        if (_queue is not null)
        {
            _queue.Writer.TryWrite(new Item(ItemKind.Change, change, 0, null));
            return;
        }

        lock (_fileLock)
        {
            try
            {
                var segment = _segment ?? throw new ObjectDisposedException(nameof(AppendLogWriter));
                LogSegments.WriteRecord(segment.Writer, change);
                segment.Sync();
            }
            catch (IOException ex)
            {
                Fail(ex);
                throw Refused(ex);
            }
        }
    }

    /// <summary>
    /// Starts a new segment for the changes that follow. Call before taking the snapshot that the new segment will
    /// continue: every change after the snapshot then lands in it or a later one (changes between this call and the
    /// snapshot land there too, and replaying them over the snapshot is harmless).
    /// </summary>
    /// <returns>The new segment's sequence.</returns>
    public long Rotate()
    {
        long sequence = Interlocked.Increment(ref _nextSequence) - 1;
        if (_queue is not null)
        {
            _queue.Writer.TryWrite(new Item(ItemKind.Rotate, default, sequence, null));
        }
        else
        {
            lock (_fileLock)
            {
                SwitchTo(sequence);
            }
        }

        return sequence;
    }

    /// <summary>Deletes segments older than <paramref name="sequence"/>, which a saved snapshot made obsolete.</summary>
    public void DeleteBefore(long sequence)
    {
        long current;
        lock (_fileLock)
        {
            _obsoleteBefore = Math.Max(_obsoleteBefore, sequence);
            current = _segment?.Sequence ?? long.MaxValue;
        }

        foreach (var (seq, path) in LogSegments.List(_snapshotPath))
        {
            // The writer may not have left that segment yet; it deletes it itself when it does.
            if (seq < sequence && seq != current)
            {
                DurableFile.TryDelete(path);
            }
        }
    }

    /// <summary>Waits until every change queued so far is written (and flushed to disk when <paramref name="sync"/>).</summary>
    public Task FlushAsync(bool sync)
    {
        if (_queue is null)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(new Item(sync ? ItemKind.Sync : ItemKind.Barrier, default, 0, done)) ? done.Task : Task.CompletedTask;
    }

    /// <summary>
    /// Writes what is queued, flushes it to the disk and closes the segment, blocking until done (the process may be
    /// about to exit, and the log must be on the disk first). Unregister the listener first.
    /// </summary>
    public void Dispose()
    {
        if (!BeginDispose())
        {
            return;
        }

        _writerTask?.GetAwaiter().GetResult();
        Close();
    }

    /// <summary>As <see cref="Dispose"/>, without blocking a thread.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!BeginDispose())
        {
            return;
        }

        if (_writerTask is not null)
        {
            await _writerTask.ConfigureAwait(false);
        }

        Close();
    }

    private bool BeginDispose()
    {
        lock (_fileLock)
        {
            if (_disposed)
            {
                return false;
            }

            _disposed = true;
        }

        _syncTimer?.Dispose();
        _queue?.Writer.TryComplete();
        return true;
    }

    private void Close()
    {
        lock (_fileLock)
        {
            try
            {
                _segment?.Sync();
            }
            catch (IOException ex)
            {
                LogWriteFailed(_logger, _segment!.Path, ex);
            }

            _segment?.Dispose();
            _segment = null;
        }
    }

    private void RequestSync() => _queue?.Writer.TryWrite(new Item(ItemKind.Sync, default, 0, null));

    private async Task WriteLoopAsync()
    {
        var reader = _queue!.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                Process(item);
            }

            // Drained: hand what was written to the operating system, so a crash of this process loses nothing.
            Guard(static segment => segment.Writer.Flush());
        }
    }

    private void Process(Item item)
    {
        switch (item.Kind)
        {
            case ItemKind.Change:
                // After a failure, changes are dropped until a rotation: the snapshot that rotation belongs to holds them.
                lock (_fileLock)
                {
                    if (_segment is not null && Volatile.Read(ref _failure) is null)
                    {
                        try
                        {
                            LogSegments.WriteRecord(_segment.Writer, item.Change);
                        }
                        catch (IOException ex)
                        {
                            Fail(ex);
                        }
                    }
                }

                break;
            case ItemKind.Rotate:
                lock (_fileLock)
                {
                    SwitchTo(item.Sequence);
                }

                break;
            case ItemKind.Sync:
                Guard(static segment => segment.Sync());
                item.Done?.TrySetResult();
                break;
            case ItemKind.Barrier:
                Guard(static segment => segment.Writer.Flush());
                item.Done?.TrySetResult();
                break;
        }
    }

    private void Guard(Action<Segment> action)
    {
        lock (_fileLock)
        {
            if (_segment is null || Volatile.Read(ref _failure) is not null)
            {
                return;
            }

            try
            {
                action(_segment);
            }
            catch (IOException ex)
            {
                Fail(ex);
            }
        }
    }

    // Caller holds _fileLock.
    private void SwitchTo(long sequence)
    {
        var old = _segment;
        try
        {
            if (Volatile.Read(ref _failure) is null)
            {
                old?.Sync();
            }
        }
        catch (IOException ex)
        {
            LogWriteFailed(_logger, old!.Path, ex);
        }

        old?.Dispose();
        _segment = null;
        if (old is not null && old.Sequence < _obsoleteBefore)
        {
            DurableFile.TryDelete(old.Path);
        }

        try
        {
            _segment = Segment.Create(_snapshotPath, sequence, _fileMode);
            Volatile.Write(ref _failure, null);
        }
        catch (IOException ex)
        {
            Fail(ex);
        }
    }

    // Caller holds _fileLock.
    private void Fail(IOException ex)
    {
        if (Volatile.Read(ref _failure) is null)
        {
            Volatile.Write(ref _failure, ex);
            LogWriteFailed(_logger, _segment?.Path ?? LogSegments.PathFor(_snapshotPath, CurrentSequence), ex);
        }
    }

    private AiStoreException Refused(Exception failure) => new(
        AiErrorCode.PersistenceFailed,
        $"write refused: the append-only log next to '{_snapshotPath}' cannot be written ({failure.Message}); writes are accepted again once a snapshot save succeeds",
        failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Append-only log {Path} cannot be written; writes are refused until a snapshot succeeds")]
    private static partial void LogWriteFailed(ILogger logger, string path, Exception exception);

    private readonly record struct Item(ItemKind Kind, StoreChange Change, long Sequence, TaskCompletionSource? Done);

    /// <summary>An open segment file and its writer.</summary>
    private sealed class Segment : IDisposable
    {
        private readonly FileStream _stream;

        private Segment(string path, long sequence, FileStream stream)
        {
            Path = path;
            Sequence = sequence;
            _stream = stream;
            Writer = new FormatWriter(stream, fileChecksum: false);
        }

        public string Path { get; }

        public long Sequence { get; }

        public FormatWriter Writer { get; }

        public static Segment Create(string snapshotPath, long sequence, UnixFileMode fileMode)
        {
            string path = LogSegments.PathFor(snapshotPath, sequence);
            DurableFile.CreateDirectory(DurableFile.DirectoryOf(path), fileMode);

            // Whatever is at this name holds nothing loadable (a segment whose creation a crash interrupted, or
            // something planted there): remove the entry itself (a link, not its target) and create the file afresh,
            // exclusively, so the write can never go through a link.
            var existing = new FileInfo(path);
            if (existing.Exists || existing.LinkTarget is not null)
            {
                existing.Delete();
            }

            var stream = DurableFile.CreateNew(path, fileMode, FileShare.Read);
            var segment = new Segment(path, sequence, stream);
            try
            {
                LogSegments.WriteHeader(segment.Writer, sequence);
                segment.Sync();
                DurableFile.SyncDirectory(DurableFile.DirectoryOf(path));
                return segment;
            }
            catch
            {
                segment.Dispose();
                throw;
            }
        }

        public void Sync()
        {
            Writer.Flush();
            _stream.Flush(flushToDisk: true);
        }

        public void Dispose() => _stream.Dispose();
    }
}
