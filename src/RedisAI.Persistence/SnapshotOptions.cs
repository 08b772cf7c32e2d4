namespace RedisAI.Persistence;

/// <summary>
/// Settings of a <see cref="SnapshotManager"/>: where the snapshot lives, when it is saved, and the optional
/// append-only log. Checked by <see cref="Validate"/> when the manager is created.
/// </summary>
public sealed class SnapshotOptions
{
    /// <summary>The snapshot file. Default <c>dump.rdai</c> in the current directory. Temporary files and log segments are kept next to it.</summary>
    public string Path { get; set; } = "dump.rdai";

    /// <summary>
    /// When background saves happen (see <see cref="SavePolicy"/>); any policy that is met triggers one. Default
    /// <see cref="SavePolicy.RedisDefaults"/>. Clear it to save only when asked (and at shutdown).
    /// </summary>
    public IList<SavePolicy> SavePolicies { get; } = [.. SavePolicy.RedisDefaults];

    /// <summary>Whether disposing the manager takes a last blocking save. Default true.</summary>
    public bool SaveOnShutdown { get; set; } = true;

    /// <summary>How often the save policies and the log size are checked. Default 1 second.</summary>
    public TimeSpan PolicyCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After a failed save, how long before a policy tries again. Default 5 seconds (as Redis).</summary>
    public TimeSpan SaveRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// What a load does with keys that cannot be re-created (a model whose backend is not registered, or that no
    /// longer compiles). False (default): the load fails and loads nothing, naming every such key. True: those keys
    /// are left out and reported in <see cref="SnapshotLoadResult.SkippedKeys"/>.
    /// </summary>
    public bool SkipFailedKeysOnLoad { get; set; }

    /// <summary>
    /// The permissions (on Unix; ignored on Windows) that the snapshot, its temporary files and the log segments are
    /// created with, less the process's umask. Default <see cref="UnixFileMode.UserRead"/> |
    /// <see cref="UnixFileMode.UserWrite"/> (0600): the files hold the store's data, so only the owner may read them.
    /// Widen it (e.g. add <see cref="UnixFileMode.GroupRead"/> for 0640) to let a backup job read them. It must include
    /// the owner's read and write and may hold only read and write bits. A directory the manager creates for the files
    /// gets 0700, plus read and search for those the mode lets read.
    /// </summary>
    public UnixFileMode UnixFileMode { get; set; } = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The append-only log. Default disabled.</summary>
    public AppendLogOptions AppendLog { get; } = new();

    /// <summary>Returns every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add($"{nameof(Path)} is required");
        }
        else if (Path.EndsWith(System.IO.Path.DirectorySeparatorChar) || Path.EndsWith(System.IO.Path.AltDirectorySeparatorChar))
        {
            errors.Add($"{nameof(Path)} '{Path}' names a directory; it must name a file");
        }

        for (int i = 0; i < SavePolicies.Count; i++)
        {
            var policy = SavePolicies[i];
            if (policy is null)
            {
                errors.Add($"{nameof(SavePolicies)}[{i}] is null");
            }
            else if (policy.Interval < TimeSpan.Zero || policy.MinChanges < 0)
            {
                errors.Add($"{nameof(SavePolicies)}[{i}] ({policy}) must have a non-negative interval and change count");
            }
        }

        if (PolicyCheckInterval <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(PolicyCheckInterval)} must be positive (was {PolicyCheckInterval})");
        }

        if (SaveRetryDelay < TimeSpan.Zero)
        {
            errors.Add($"{nameof(SaveRetryDelay)} must not be negative (was {SaveRetryDelay})");
        }

        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode readWrite = owner | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if ((UnixFileMode & owner) != owner || (UnixFileMode & ~readWrite) != 0)
        {
            errors.Add($"{nameof(UnixFileMode)} {UnixFileMode} must include {nameof(UnixFileMode.UserRead)} and {nameof(UnixFileMode.UserWrite)} and hold only read and write bits (no execute, set-id or sticky bits)");
        }

        if (!Enum.IsDefined(AppendLog.Fsync))
        {
            errors.Add($"{nameof(AppendLog)}.{nameof(AppendLogOptions.Fsync)} {AppendLog.Fsync} is not defined");
        }

        if (AppendLog.RewriteMinSize < 0)
        {
            errors.Add($"{nameof(AppendLog)}.{nameof(AppendLogOptions.RewriteMinSize)} must not be negative (was {AppendLog.RewriteMinSize})");
        }

        if (AppendLog.RewritePercentage < 0)
        {
            errors.Add($"{nameof(AppendLog)}.{nameof(AppendLogOptions.RewritePercentage)} must not be negative (was {AppendLog.RewritePercentage})");
        }

        return errors;
    }

    /// <summary>Throws when any option is invalid, listing every problem.</summary>
    /// <exception cref="AiArgumentException">An option is invalid.</exception>
    public void Validate() => AiArgumentException.ThrowIfAny(GetValidationErrors(), "snapshot options");
}
