using System.Runtime.InteropServices;

namespace RedisAI.Persistence;

/// <summary>
/// The file-system steps that make a save survive a crash: write to a temporary file, flush it to the disk, rename
/// it over the target (atomic on POSIX and NTFS), then flush the directory so the rename itself is on the disk.
/// </summary>
internal static partial class DurableFile
{
    private const string TempSuffix = ".tmp";

    // The "N" format of a Guid: 32 hex digits.
    private const int TempIdLength = 32;

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>A new temporary name next to <paramref name="path"/>, unique to this save.</summary>
    public static string NewTempPath(string path) => $"{path}.{Guid.NewGuid():N}{TempSuffix}";

    /// <summary>
    /// Deletes temporary files an interrupted save of <paramref name="path"/> left behind: only regular files named
    /// exactly as <see cref="NewTempPath"/> names them. Anything else in the directory, links included, is not the
    /// store's and is left alone.
    /// </summary>
    public static void DeleteStaleTemps(string path)
    {
        string directory = DirectoryOf(path);
        if (!Directory.Exists(directory))
        {
            return;
        }

        string prefix = Path.GetFileName(path) + ".";
        foreach (string temp in Directory.EnumerateFiles(directory, prefix + "*" + TempSuffix))
        {
            if (IsTempName(Path.GetFileName(temp).AsSpan(), prefix) && IsRegularFile(temp))
            {
                TryDelete(temp);
            }
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/> for writing, readable only as <paramref name="mode"/> allows (on Unix, less the
    /// umask). Exclusive (<c>O_CREAT | O_EXCL</c>): an existing file or symbolic link at the name is an error, never
    /// opened, so a link planted there cannot redirect the write to its target.
    /// </summary>
    /// <exception cref="IOException">Something already exists at <paramref name="path"/>, or it cannot be created.</exception>
    public static FileStream CreateNew(string path, UnixFileMode mode, FileShare share)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = share, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        return new FileStream(path, options);
    }

    /// <summary>
    /// Creates <paramref name="directory"/> (and missing parents) if absent: on Unix owner-only (0700), plus read and
    /// search for the group or others where <paramref name="fileMode"/> lets them read the files.
    /// </summary>
    public static void CreateDirectory(string directory, UnixFileMode fileMode)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (fileMode.HasFlag(UnixFileMode.GroupRead))
        {
            mode |= UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
        }

        if (fileMode.HasFlag(UnixFileMode.OtherRead))
        {
            mode |= UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        }

        Directory.CreateDirectory(directory, mode);
    }

    /// <summary>Whether <paramref name="path"/> is a file itself, not a symbolic link (or other reparse point).</summary>
    public static bool IsRegularFile(string path)
    {
        var info = new FileInfo(path);
        return info.Exists && (info.Attributes & FileAttributes.ReparsePoint) == 0;
    }

    /// <summary>Moves <paramref name="temp"/> over <paramref name="path"/> and makes the move durable.</summary>
    public static void Publish(string temp, string path)
    {
        File.Move(temp, path, overwrite: true);
        SyncDirectory(DirectoryOf(path));
    }

    /// <summary>
    /// Flushes a directory's entries to the disk, so files created or renamed in it survive a power loss. POSIX needs
    /// an fsync of the directory for that, which .NET does not expose (it refuses to open a directory), hence libc.
    /// NTFS journals the rename itself, so Windows needs nothing.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"cannot flush directory '{directory}' to disk (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // <prefix><32 lowercase hex digits>.tmp, as NewTempPath writes it.
    private static bool IsTempName(ReadOnlySpan<char> name, string prefix)
    {
        if (name.Length != prefix.Length + TempIdLength + TempSuffix.Length
            || !name.StartsWith(prefix, StringComparison.Ordinal)
            || !name.EndsWith(TempSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        return !name.Slice(prefix.Length, TempIdLength).ContainsAnyExcept(LowerHex);
    }

    public static string DirectoryOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";

    public static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
