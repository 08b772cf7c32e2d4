using System.IO.Hashing;

namespace RedisAI.Persistence.Format;

/// <summary>One payload chunk whose CRC-64 is still to be checked.</summary>
/// <param name="Start">Where the chunk starts in its payload.</param>
/// <param name="Length">Its length.</param>
/// <param name="Crc">The CRC-64 the file stores for it.</param>
/// <param name="FileOffset">Where its bytes start in the file.</param>
internal readonly record struct ChunkCheck(int Start, int Length, ulong Crc, long FileOffset)
{
    public static void Verify(ReadOnlySpan<byte> data, ulong stored, long fileOffset)
    {
        ulong computed = Crc64.HashToUInt64(data);
        if (computed != stored)
        {
            throw new SnapshotFormatException(fileOffset, $"data checksum mismatch (stored 0x{stored:X16}, computed 0x{computed:X16}): the data bytes are corrupted");
        }
    }
}

/// <summary>
/// Checks payload chunks on the thread pool while the reader goes on reading, so a load hashes on one core and
/// reads on another. Nothing read is published before <see cref="Complete"/> has checked every chunk.
/// </summary>
/// <remarks>Not thread-safe: one reader schedules; the checks themselves run concurrently.</remarks>
internal sealed class ChunkVerifier
{
    // Payloads smaller than this are checked at once: a task would cost more than the hash.
    private const int DeferThreshold = 256 << 10;

    private readonly List<Task> _checks = [];

    /// <summary>Checks <paramref name="chunks"/> of <paramref name="payload"/>, now or later.</summary>
    /// <param name="payload">The payload the chunks were read into; it must not change until <see cref="Complete"/>.</param>
    /// <param name="chunks">The chunks.</param>
    /// <param name="entryIndex">The entry, for the error.</param>
    /// <param name="key">The entry's key, for the error.</param>
    public void Schedule(ReadOnlyMemory<byte> payload, List<ChunkCheck> chunks, long entryIndex, string key)
    {
        if (payload.Length < DeferThreshold)
        {
            Check(payload, chunks, entryIndex, key);
            return;
        }

        _checks.Add(Task.Run(() => Check(payload, chunks, entryIndex, key)));
    }

    /// <summary>Waits for every check; throws the failure nearest the start of the file, if any.</summary>
    /// <exception cref="DeferredChunkException">A chunk's bytes do not match its CRC.</exception>
    public void Complete()
    {
        try
        {
            Task.WaitAll(_checks);
        }
        catch (AggregateException ex)
        {
            var first = ex.InnerExceptions.OfType<DeferredChunkException>().MinBy(e => e.Failure.Offset);
            if (first is null)
            {
                throw;
            }

            throw first;
        }
    }

    private static void Check(ReadOnlyMemory<byte> payload, List<ChunkCheck> chunks, long entryIndex, string key)
    {
        foreach (var chunk in chunks)
        {
            try
            {
                ChunkCheck.Verify(payload.Span.Slice(chunk.Start, chunk.Length), chunk.Crc, chunk.FileOffset);
            }
            catch (SnapshotFormatException ex)
            {
                throw new DeferredChunkException(ex, entryIndex, key);
            }
        }
    }
}

/// <summary>A deferred chunk check that failed, with the entry it belongs to.</summary>
internal sealed class DeferredChunkException : Exception
{
    public DeferredChunkException(SnapshotFormatException failure, long entryIndex, string key)
        : base(failure.Message, failure)
    {
        Failure = failure;
        EntryIndex = entryIndex;
        Key = key;
    }

    public DeferredChunkException() => Failure = new SnapshotFormatException();

    public DeferredChunkException(string message) : base(message) => Failure = new SnapshotFormatException(message);

    public DeferredChunkException(string message, Exception innerException) : base(message, innerException) => Failure = new SnapshotFormatException(message);

    public SnapshotFormatException Failure { get; }

    public long EntryIndex { get; }

    public string Key { get; } = string.Empty;
}
