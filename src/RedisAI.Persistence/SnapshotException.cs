using System.Globalization;
using System.Text;
using RedisAI.Persistence.Format;

namespace RedisAI.Persistence;

/// <summary>
/// A snapshot or append-only log could not be loaded or saved. The message names the file and, for a damaged file,
/// the offset, the entry and its key; <see cref="AiStoreException.Code"/> says what kind of failure it was. A load
/// that throws this has changed nothing in the store.
/// </summary>
/// <remarks>
/// Codes: <see cref="AiErrorCode.SnapshotInvalid"/> for a truncated, corrupted, foreign or newer-version file;
/// <see cref="AiErrorCode.BackendNotFound"/>, <see cref="AiErrorCode.InvalidModel"/> or
/// <see cref="AiErrorCode.DeviceUnavailable"/> when models could not be re-created (see <see cref="Failures"/>);
/// <see cref="AiErrorCode.PersistenceFailed"/> for I/O errors.
/// </remarks>
public sealed class SnapshotException : AiStoreException
{
    /// <summary>Creates the exception.</summary>
    public SnapshotException(AiErrorCode code, string message, string? filePath = null, Exception? innerException = null)
        : base(code, message, innerException)
    {
        FilePath = filePath;
        Failures = [];
    }

    /// <summary>Creates the exception.</summary>
    public SnapshotException() : this(AiErrorCode.PersistenceFailed, "The snapshot could not be loaded or saved.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public SnapshotException(string message) : this(AiErrorCode.PersistenceFailed, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SnapshotException(string message, Exception innerException) : this(AiErrorCode.PersistenceFailed, message, null, innerException)
    {
    }

    /// <summary>The file concerned.</summary>
    public string? FilePath { get; }

    /// <summary>The byte offset in <see cref="FilePath"/> where the damage was found, when it is a damaged file.</summary>
    public long? Offset { get; private init; }

    /// <summary>The zero-based index of the damaged entry (snapshot) or record (log), when known.</summary>
    public long? EntryIndex { get; private init; }

    /// <summary>The key of the damaged entry as read from the file, when it was read before the damage.</summary>
    public string? Key { get; private init; }

    /// <summary>The keys whose models could not be re-created on their backends, each with its error.</summary>
    public IReadOnlyList<StoreRestoreFailure> Failures { get; private init; }

    internal static SnapshotException Corrupt(string path, SnapshotFormatException ex, long? index, string? key, string what = "entry")
    {
        var message = new StringBuilder().Append(CultureInfo.InvariantCulture, $"cannot load '{path}': at offset {ex.Offset}");
        if (index is { } i)
        {
            message.Append(CultureInfo.InvariantCulture, $", {what} {i}");
        }

        if (key is not null)
        {
            message.Append(CultureInfo.InvariantCulture, $" (key '{key}')");
        }

        message.Append(": ").Append(ex.Message).Append(". Nothing was loaded.");
        return new SnapshotException(AiErrorCode.SnapshotInvalid, message.ToString(), path, ex)
        {
            Offset = ex.Offset,
            EntryIndex = index,
            Key = key,
        };
    }

    internal static SnapshotException RestoreFailed(string path, IReadOnlyList<StoreRestoreFailure> failures)
    {
        var message = new StringBuilder().Append(CultureInfo.InvariantCulture, $"cannot load '{path}': {failures.Count} key(s) could not be re-created, so nothing was loaded");
        foreach (var failure in failures)
        {
            message.Append(CultureInfo.InvariantCulture, $"; {failure.Type.ToString().ToLowerInvariant()} '{failure.Key}': {failure.Error.Message}");
        }

        message.Append(". Register the missing backends, or set SnapshotOptions.SkipFailedKeysOnLoad to load the rest.");
        return new SnapshotException(failures[0].Error.Code, message.ToString(), path)
        {
            Failures = failures,
        };
    }
}
