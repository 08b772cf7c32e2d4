namespace RedisAI.Persistence.Format;

/// <summary>
/// A decoding failure at a file offset, raised by the readers and turned into a <see cref="SnapshotException"/>
/// that names the file, the entry and the key by whoever knows them.
/// </summary>
internal sealed class SnapshotFormatException : Exception
{
    public SnapshotFormatException(long offset, string message, bool truncated = false)
        : base(message)
    {
        Offset = offset;
        IsTruncation = truncated;
    }

    public SnapshotFormatException()
    {
    }

    public SnapshotFormatException(string message) : base(message)
    {
    }

    public SnapshotFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Where in the file the problem was found.</summary>
    public long Offset { get; }

    /// <summary>Whether the file ended inside a field (as a torn write leaves it).</summary>
    public bool IsTruncation { get; }
}
