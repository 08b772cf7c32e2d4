using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using RedisAI.Persistence.Format;

namespace RedisAI.Persistence.AppendLog;

/// <summary>What replaying one log segment found.</summary>
/// <param name="Records">Records applied.</param>
/// <param name="ValidLength">Bytes up to the end of the last good record.</param>
/// <param name="TruncatedBytes">Bytes after it that a crash left torn (dropped).</param>
internal readonly record struct SegmentReplay(long Records, long ValidLength, long TruncatedBytes);

/// <summary>
/// The append-only log's files: segments named <c>&lt;snapshot&gt;.log.&lt;sequence&gt;</c> next to the snapshot,
/// each a header and a run of records (docs/snapshot-format.md, "Append-only log").
/// </summary>
internal static class LogSegments
{
    public static string PathFor(string snapshotPath, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{snapshotPath}.log.{sequence:D8}");

    /// <summary>The segments next to <paramref name="snapshotPath"/>, by sequence: regular files named as <see cref="PathFor"/> names them.</summary>
    public static SortedDictionary<long, string> List(string snapshotPath)
    {
        var segments = new SortedDictionary<long, string>();
        string directory = DurableFile.DirectoryOf(snapshotPath);
        if (!Directory.Exists(directory))
        {
            return segments;
        }

        string prefix = Path.GetFileName(snapshotPath) + ".log.";
        foreach (string file in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            // Only names exactly as PathFor writes them, and only files themselves: a link is not the store's, and
            // neither replaying nor deleting it may reach its target.
            string suffix = Path.GetFileName(file)[prefix.Length..];
            if (suffix.Length > 0 && !suffix.AsSpan().ContainsAnyExceptInRange('0', '9')
                && long.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out long sequence) && sequence > 0
                && string.Equals(Path.GetFileName(PathFor(snapshotPath, sequence)), Path.GetFileName(file), StringComparison.Ordinal)
                && DurableFile.IsRegularFile(file))
            {
                segments[sequence] = file;
            }
        }

        return segments;
    }

    public static void WriteHeader(FormatWriter writer, long sequence)
    {
        Span<byte> header = stackalloc byte[SnapshotFormat.LogHeaderSize - 8];
        SnapshotFormat.LogMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], SnapshotFormat.CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], sequence);
        writer.WriteRaw(header);
        writer.WriteUInt64(Crc64.HashToUInt64(header));
    }

    /// <summary>Appends one change as a record. Expirations are not recorded: every record carries absolute expiry times.</summary>
    public static bool WriteRecord(FormatWriter writer, in StoreChange change)
    {
        switch (change.Kind)
        {
            case StoreChangeKind.Set when EntryCodec.IsPersisted(change.Entry!):
                EntryCodec.Write(writer, change.Entry!);
                return true;
            case StoreChangeKind.ExpiryChanged:
                writer.BeginEntry();
                EntryCodec.WriteHead(writer, EntryKind.Expiry, change.Key!, change.Entry!.ExpiresAt);
                writer.EndEntry();
                return true;
            case StoreChangeKind.Removed:
                writer.BeginEntry();
                writer.WriteByte((byte)EntryKind.Remove);
                writer.WriteString(change.Key!);
                writer.EndEntry();
                return true;
            case StoreChangeKind.Cleared:
                writer.BeginEntry();
                writer.WriteByte((byte)EntryKind.Clear);
                writer.EndEntry();
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Replays a segment's records into <paramref name="state"/>. A record cut short at the end of the file (a crash
    /// mid-append) is dropped when <paramref name="allowTruncated"/>; any other damage throws, naming the record.
    /// </summary>
    /// <exception cref="SnapshotException">The segment is damaged, or is not the expected segment.</exception>
    public static SegmentReplay Replay(string path, long expectedSequence, StagedKeyspace state, bool allowTruncated, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        long length = stream.Length;
        var reader = new FormatReader(stream, length, fileChecksum: false);
        if (length < SnapshotFormat.LogHeaderSize && allowTruncated)
        {
            // Created but its header never reached the disk: an empty segment.
            return new SegmentReplay(0, 0, length);
        }

        long index = -1;
        string? key = null;
        long recordStart = 0;
        try
        {
            ReadHeader(reader, expectedSequence);
            long records = 0;
            while (reader.Remaining > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                index++;
                key = null;
                recordStart = reader.Offset;
                if (!TryReadRecord(reader, state, ref key))
                {
                    // Only zero bytes follow: the file was extended but its data never written (a crash).
                    return allowTruncated
                        ? new SegmentReplay(records, recordStart, length - recordStart)
                        : throw new SnapshotFormatException(recordStart, "zero bytes where a record should start (a torn write)", truncated: true);
                }

                records++;
            }

            return new SegmentReplay(records, length, 0);
        }
        catch (SnapshotFormatException ex) when (allowTruncated && index >= 0 && (ex.IsTruncation || reader.Remaining == 0))
        {
            // The last record is incomplete or fails its checksum at the very end of the file: a crash cut it short.
            return new SegmentReplay(index, recordStart, length - recordStart);
        }
        catch (SnapshotFormatException ex)
        {
            throw SnapshotException.Corrupt(path, ex, index < 0 ? null : index, key, "record");
        }
    }

    private static void ReadHeader(FormatReader reader, long expectedSequence)
    {
        Span<byte> header = stackalloc byte[SnapshotFormat.LogHeaderSize - 8];
        for (int i = 0; i < header.Length; i++)
        {
            if (i == 8)
            {
                SnapshotFile.CheckMagic(header[..8], SnapshotFormat.LogMagic, "append-only log");
            }

            header[i] = reader.ReadByte();
        }

        ulong stored = reader.ReadUInt64();
        ulong computed = Crc64.HashToUInt64(header);
        if (stored != computed)
        {
            throw new SnapshotFormatException(24, $"header checksum mismatch (stored 0x{stored:X16}, computed 0x{computed:X16})");
        }

        SnapshotFile.CheckVersion(BinaryPrimitives.ReadUInt16LittleEndian(header[8..]), "append-only log");
        long sequence = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (sequence != expectedSequence)
        {
            throw new SnapshotFormatException(16, $"the header says segment {sequence}, the file name {expectedSequence}");
        }
    }

    // Reads one record and applies it once its checksum has been verified. False when only zeros are left.
    private static bool TryReadRecord(FormatReader reader, StagedKeyspace state, ref string? key)
    {
        long at = reader.Offset;
        reader.BeginEntry();
        var kind = (EntryKind)reader.ReadByte();
        switch (kind)
        {
            case EntryKind.Tensor or EntryKind.Model or EntryKind.Script:
                (key, var expiresAt) = EntryCodec.ReadHead(reader);
                StoreEntry entry = EntryCodec.ReadBody(reader, kind, key, expiresAt);
                EntryCodec.ReadChecksum(reader);
                state.Set(entry);
                return true;
            case EntryKind.Remove:
                key = reader.ReadString("key");
                EntryCodec.ReadChecksum(reader);
                state.Remove(key);
                return true;
            case EntryKind.Expiry:
                (key, var newExpiry) = EntryCodec.ReadHead(reader);
                EntryCodec.ReadChecksum(reader);
                state.SetExpiry(key, newExpiry);
                return true;
            case EntryKind.Clear:
                EntryCodec.ReadChecksum(reader);
                state.Clear();
                return true;
            case 0 when OnlyZerosLeft(reader):
                return false;
            default:
                throw new SnapshotFormatException(at, $"0x{(byte)kind:X2} is not a record kind");
        }
    }

    private static bool OnlyZerosLeft(FormatReader reader)
    {
        while (reader.Remaining > 0)
        {
            if (reader.ReadByte() != 0)
            {
                return false;
            }
        }

        return true;
    }
}
