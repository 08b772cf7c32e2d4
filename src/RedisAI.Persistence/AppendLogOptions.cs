namespace RedisAI.Persistence;

/// <summary>When the append-only log is flushed to the disk (Redis's <c>appendfsync</c>).</summary>
public enum AppendLogFsync
{
    /// <summary>
    /// Before each write returns (<c>always</c>): a write that returned is on the disk. The slowest: every writer waits
    /// for the disk, under the store's write lock. A write the log cannot record fails and changes nothing.
    /// </summary>
    Always = 0,

    /// <summary>Once a second (<c>everysec</c>, the default): a crash loses at most about the last second of writes.</summary>
    EverySecond = 1,

    /// <summary>Never explicitly (<c>no</c>): the operating system decides; a process crash loses nothing, a power loss may lose tens of seconds.</summary>
    Never = 2,
}

/// <summary>
/// Settings of the append-only change log kept between snapshots (Redis's AOF). Every change is appended to a log
/// segment next to the snapshot; loading replays the segments after the snapshot. Each snapshot save starts a new
/// segment and deletes the ones it made obsolete, so saving is the log rewrite.
/// </summary>
public sealed class AppendLogOptions
{
    /// <summary>Whether the log is kept (Redis's <c>appendonly</c>). Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>When the log is flushed to the disk. Default <see cref="AppendLogFsync.EverySecond"/>.</summary>
    public AppendLogFsync Fsync { get; set; } = AppendLogFsync.EverySecond;

    /// <summary>
    /// The log is rewritten (a snapshot is taken, which starts a fresh segment) once it holds at least this many bytes
    /// (<c>auto-aof-rewrite-min-size</c>). Default 64 MiB.
    /// </summary>
    public long RewriteMinSize { get; set; } = 64L << 20;

    /// <summary>
    /// …and has grown to at least this percentage of the last snapshot's size (<c>auto-aof-rewrite-percentage</c>).
    /// Default 100. 0 disables automatic rewrites.
    /// </summary>
    public int RewritePercentage { get; set; } = 100;

    /// <summary>
    /// Whether a load accepts a log whose last record was cut short by a crash, dropping that record (and reporting
    /// it in the log), as Redis's <c>aof-load-truncated yes</c>. Default true. Damage anywhere else always fails the load.
    /// </summary>
    public bool LoadTruncated { get; set; } = true;
}
