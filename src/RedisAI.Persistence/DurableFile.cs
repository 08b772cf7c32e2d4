using System.Runtime.InteropServices;

namespace RedisAI.Persistence;

/// <summary>
/// The file-system steps that make a save survive a crash: write to a temporary file, flush it to the disk, rename
/// it over the target (atomic on POSIX and NTFS), then flush the directory so the rename itself is on the disk.
/// </summary>
internal static partial class DurableFile
{
    private const string TempSuffix = ".tmp";

    /// <summary>A new temporary name next to <paramref name="path"/>, unique to this save.</summary>
    public static string NewTempPath(string path) => $"{path}.{Guid.NewGuid():N}{TempSuffix}";

    /// <summary>Deletes temporary files an interrupted save of <paramref name="path"/> left behind.</summary>
    public static void DeleteStaleTemps(string path)
    {
        string directory = DirectoryOf(path);
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (string temp in Directory.EnumerateFiles(directory, Path.GetFileName(path) + ".*" + TempSuffix))
        {
            TryDelete(temp);
        }
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
