using System.Buffers.Binary;
using System.IO.Hashing;

namespace RedisAI.Persistence.Format;

/// <summary>What a snapshot file holds, once read and verified.</summary>
/// <param name="Version">The format version it was written in.</param>
/// <param name="CreatedAt">When its view of the store was taken.</param>
/// <param name="LogSequence">The first append-only log segment that continues it.</param>
/// <param name="Entries">Every entry, in file order.</param>
internal sealed record SnapshotContents(int Version, DateTimeOffset CreatedAt, long LogSequence, List<StoreEntry> Entries);

/// <summary>Writes and reads whole snapshot files (docs/snapshot-format.md).</summary>
internal static class SnapshotFile
{
    /// <summary>Writes <paramref name="snapshot"/> to <paramref name="stream"/>; returns the bytes written.</summary>
    /// <exception cref="AiArgumentException">An entry cannot be saved (the snapshot is not written in part: the caller discards the file).</exception>
    public static long Write(Stream stream, StoreSnapshot snapshot, long logSequence, CancellationToken cancellationToken)
    {
        var writer = new FormatWriter(stream, fileChecksum: true);
        Span<byte> header = stackalloc byte[SnapshotFormat.SnapshotHeaderSize - 8];
        SnapshotFormat.SnapshotMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], SnapshotFormat.CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], snapshot.CapturedAt.UtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], logSequence);
        writer.WriteRaw(header);
        writer.WriteUInt64(Crc64.HashToUInt64(header));
        ulong count = 0;
        foreach (var entry in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (EntryCodec.IsPersisted(entry))
            {
                EntryCodec.Write(writer, entry);
                count++;
            }
        }

        writer.WriteByte((byte)EntryKind.End);
        writer.WriteUInt64(count);
        writer.WriteUInt64(writer.FileChecksum());
        writer.Flush();
        return writer.Position;
    }

    /// <summary>Reads and verifies a whole snapshot file. Nothing is returned unless every byte checked out.</summary>
    /// <exception cref="SnapshotException">The file is truncated, corrupted, foreign or from a newer version.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SnapshotContents Read(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        var reader = new FormatReader(stream, stream.Length, fileChecksum: true);
        long index = -1;
        string? key = null;
        try
        {
            var (version, createdAt, logSequence) = ReadHeader(reader);
            var verifier = new ChunkVerifier();
            var entries = new List<StoreEntry>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                index++;
                key = null;
                long at = reader.Offset;
                reader.BeginEntry();
                var kind = (EntryKind)reader.ReadByte();
                if (kind == EntryKind.End)
                {
                    ReadEnd(reader, entries.Count);
                    verifier.Complete();
                    return new SnapshotContents(version, createdAt, logSequence, entries);
                }

                if (kind is not (EntryKind.Tensor or EntryKind.Model or EntryKind.Script))
                {
                    throw new SnapshotFormatException(at, $"0x{(byte)kind:X2} is not an entry kind");
                }

                (key, var expiresAt) = EntryCodec.ReadHead(reader);
                StoreEntry entry = EntryCodec.ReadBody(reader, kind, key, expiresAt, verifier, index);
                EntryCodec.ReadChecksum(reader);
                if (!keys.Add(key))
                {
                    throw new SnapshotFormatException(at, "the key appears twice");
                }

                entries.Add(entry);
            }
        }
        catch (SnapshotFormatException ex)
        {
            throw SnapshotException.Corrupt(path, ex, index < 0 ? null : index, key);
        }
        catch (DeferredChunkException ex)
        {
            throw SnapshotException.Corrupt(path, ex.Failure, ex.EntryIndex, ex.Key);
        }
    }

    private static (int Version, DateTimeOffset CreatedAt, long LogSequence) ReadHeader(FormatReader reader)
    {
        Span<byte> header = stackalloc byte[SnapshotFormat.SnapshotHeaderSize - 8];
        if (reader.Length < 8)
        {
            throw new SnapshotFormatException(0, $"the file is {reader.Length} bytes long, too short to be a snapshot", truncated: true);
        }

        for (int i = 0; i < header.Length; i++)
        {
            if (i == 8)
            {
                CheckMagic(header[..8], SnapshotFormat.SnapshotMagic, "snapshot");
            }

            header[i] = reader.ReadByte();
        }

        ulong stored = reader.ReadUInt64();
        ulong computed = Crc64.HashToUInt64(header);
        if (stored != computed)
        {
            throw new SnapshotFormatException(32, $"header checksum mismatch (stored 0x{stored:X16}, computed 0x{computed:X16})");
        }

        int version = CheckVersion(BinaryPrimitives.ReadUInt16LittleEndian(header[8..]), "snapshot");
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
        if (flags != 0)
        {
            throw new SnapshotFormatException(10, $"unknown header flags 0x{flags:X4}");
        }

        long ticks = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        long logSequence = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        if (ticks < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks || logSequence < 0)
        {
            throw new SnapshotFormatException(16, "the header's time or log sequence is out of range");
        }

        return (version, new DateTimeOffset(ticks, TimeSpan.Zero), logSequence);
    }

    private static void ReadEnd(FormatReader reader, int entryCount)
    {
        long at = reader.Offset;
        ulong count = reader.ReadUInt64();
        if (count != (ulong)entryCount)
        {
            throw new SnapshotFormatException(at, $"the end marker counts {count} entries, the file holds {entryCount}");
        }

        ulong computed = reader.FileChecksum();
        at = reader.Offset;
        ulong stored = reader.ReadUInt64();
        if (stored != computed)
        {
            throw new SnapshotFormatException(at, $"file checksum mismatch (stored 0x{stored:X16}, computed 0x{computed:X16})");
        }

        reader.ExpectEnd();
    }

    internal static void CheckMagic(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected, string what)
    {
        if (!actual.SequenceEqual(expected))
        {
            throw new SnapshotFormatException(0, $"not a RedisAI {what} file: it starts with {Convert.ToHexString(actual)}, a {what} with {Convert.ToHexString(expected)}");
        }
    }

    internal static int CheckVersion(ushort version, string what) =>
        version is >= SnapshotFormat.OldestVersion and <= SnapshotFormat.CurrentVersion
            ? version
            : throw new SnapshotFormatException(
                8,
                version > SnapshotFormat.CurrentVersion
                    ? $"{what} format version {version} is newer than this build reads ({SnapshotFormat.OldestVersion} to {SnapshotFormat.CurrentVersion}); upgrade RedisAI.Persistence"
                    : $"{what} format version {version} is not a known version");
}
