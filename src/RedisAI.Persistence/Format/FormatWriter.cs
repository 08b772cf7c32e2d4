using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace RedisAI.Persistence.Format;

/// <summary>
/// Writes the little-endian fields of the formats to a stream, keeping two CRC-64s as it goes: one over the current
/// entry and, for snapshots, one over the whole file. Small fields go through a buffer; large payloads are written
/// straight from the caller's memory (a tensor's own buffer), so saving copies no data.
/// </summary>
/// <remarks>Not thread-safe: one writer per file.</remarks>
internal sealed class FormatWriter
{
    // Payloads at least this long skip the buffer.
    private const int DirectWriteThreshold = 16 << 10;

    // Hash and write large payloads in slices this long, so the CRC pass and the write read the data while it is
    // still in the CPU cache.
    private const int SliceSize = 1 << 20;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private readonly Crc64 _entryCrc = new();
    private readonly Crc64? _fileCrc;
    private int _used;
    private int _hashed;
    private long _flushed;

    public FormatWriter(Stream stream, bool fileChecksum, int bufferSize = 64 << 10)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
        _fileCrc = fileChecksum ? new Crc64() : null;
    }

    /// <summary>Bytes written so far, buffered ones included.</summary>
    public long Position => _flushed + _used;

    /// <summary>Starts an entry: the entry checksum covers what is written from here to <see cref="EndEntry"/>.</summary>
    public void BeginEntry()
    {
        HashPending();
        _entryCrc.Reset();
    }

    /// <summary>Ends an entry by writing its checksum.</summary>
    public void EndEntry()
    {
        HashPending();
        WriteUInt64(_entryCrc.GetCurrentHashAsUInt64());
    }

    /// <summary>The CRC-64 of every byte written so far.</summary>
    public ulong FileChecksum()
    {
        HashPending();
        return _fileCrc!.GetCurrentHashAsUInt64();
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    /// <summary>A string: u32 byte count, then UTF-8.</summary>
    public void WriteString(string value)
    {
        int count = Utf8.GetByteCount(value);
        if (count > SnapshotFormat.MaxStringBytes)
        {
            throw new AiArgumentException($"a string of {count} bytes is longer than a snapshot can hold ({SnapshotFormat.MaxStringBytes})");
        }

        WriteUInt32((uint)count);
        if (count <= _buffer.Length)
        {
            Utf8.GetBytes(value, Reserve(count));
        }
        else
        {
            WriteRaw(Utf8.GetBytes(value));
        }
    }

    /// <summary>
    /// A payload: u64 total length, then chunks of u32 length, u64 CRC-64 of the chunk's bytes, and the bytes; the
    /// chunks add up to exactly the total. The bytes themselves are covered by their chunk's CRC only (the entry and
    /// file checksums cover the chunk CRCs), so every byte is hashed once, and a chunk is hashed on another core while
    /// the previous chunk goes to the stream.
    /// </summary>
    public void WritePayload(ReadOnlyMemory<byte> data)
    {
        WriteUInt64((ulong)data.Length);
        ReadOnlyMemory<byte> previous = default;
        while (!data.IsEmpty)
        {
            ReadOnlyMemory<byte> chunk = data[..Math.Min(data.Length, SnapshotFormat.WriteChunkSize)];
            data = data[chunk.Length..];
            if (chunk.Length < DirectWriteThreshold)
            {
                WriteData(previous.Span);
                previous = default;
                WriteUInt32((uint)chunk.Length);
                WriteUInt64(Crc64.HashToUInt64(chunk.Span));
                HashPending();
                chunk.Span.CopyTo(Reserve(chunk.Length));
                _hashed = _used;
                continue;
            }

            // Hash this chunk on the thread pool while the calling thread writes the previous one.
            ulong crc = 0;
            ReadOnlyMemory<byte> toWrite = previous;
            Parallel.Invoke(
                () => crc = Crc64.HashToUInt64(chunk.Span),
                () => WriteData(toWrite.Span));
            WriteUInt32((uint)chunk.Length);
            WriteUInt64(crc);
            previous = chunk;
        }

        WriteData(previous.Span);
    }

    // Payload bytes: straight to the stream, outside the entry and file checksums (their chunk CRC covers them).
    private void WriteData(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        Flush();
        _stream.Write(data);
        _flushed += data.Length;
    }

    /// <summary>Bytes as they are.</summary>
    public void WriteRaw(ReadOnlySpan<byte> data)
    {
        if (data.Length < DirectWriteThreshold)
        {
            data.CopyTo(Reserve(data.Length));
            return;
        }

        Flush();
        while (!data.IsEmpty)
        {
            ReadOnlySpan<byte> slice = data[..Math.Min(data.Length, SliceSize)];
            _entryCrc.Append(slice);
            _fileCrc?.Append(slice);
            _stream.Write(slice);
            _flushed += slice.Length;
            data = data[slice.Length..];
        }
    }

    /// <summary>Hands buffered bytes to the stream (not to the disk: the caller flushes the stream for that).</summary>
    public void Flush()
    {
        HashPending();
        if (_used > 0)
        {
            _stream.Write(_buffer, 0, _used);
            _flushed += _used;
            _used = 0;
            _hashed = 0;
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _used < count)
        {
            Flush();
        }

        Span<byte> span = _buffer.AsSpan(_used, count);
        _used += count;
        return span;
    }

    private void HashPending()
    {
        if (_hashed < _used)
        {
            ReadOnlySpan<byte> pending = _buffer.AsSpan(_hashed, _used - _hashed);
            _entryCrc.Append(pending);
            _fileCrc?.Append(pending);
            _hashed = _used;
        }
    }
}
