using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace RedisAI.Persistence.Format;

/// <summary>
/// Reads the little-endian fields of the formats from a stream of known length, keeping the same two CRC-64s as
/// <see cref="FormatWriter"/> and the file offset of every field, for errors. Every length read from the file is
/// checked against what is left of the file before anything is allocated, so a corrupted length cannot make it
/// allocate gigabytes; large payloads are read straight into their destination.
/// </summary>
/// <remarks>Not thread-safe: one reader per file.</remarks>
internal sealed class FormatReader
{
    private const int SliceSize = 1 << 20;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly long _length;
    private readonly byte[] _buffer;
    private readonly Crc64 _entryCrc = new();
    private readonly Crc64? _fileCrc;
    private long _bufferStart;
    private int _position;
    private int _count;
    private int _hashed;

    public FormatReader(Stream stream, long length, bool fileChecksum, int bufferSize = 64 << 10)
    {
        _stream = stream;
        _length = length;
        _buffer = new byte[bufferSize];
        _fileCrc = fileChecksum ? new Crc64() : null;
    }

    /// <summary>The file offset of the next byte to read.</summary>
    public long Offset => _bufferStart + _position;

    /// <summary>Bytes left in the file.</summary>
    public long Remaining => _length - Offset;

    public long Length => _length;

    public void BeginEntry()
    {
        HashPending();
        _entryCrc.Reset();
    }

    /// <summary>The checksum of the entry so far (call before reading the stored one).</summary>
    public ulong EntryChecksum()
    {
        HashPending();
        return _entryCrc.GetCurrentHashAsUInt64();
    }

    public ulong FileChecksum()
    {
        HashPending();
        return _fileCrc!.GetCurrentHashAsUInt64();
    }

    public byte ReadByte() => Take(1)[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads a u32 count and checks it against <paramref name="max"/>.</summary>
    public int ReadCount(int max, string what)
    {
        long at = Offset;
        uint count = ReadUInt32();
        return count <= (uint)max ? (int)count : throw new SnapshotFormatException(at, $"{what} count {count} is larger than the format allows ({max})");
    }

    public string ReadString(string what)
    {
        long at = Offset;
        int count = ReadCount(SnapshotFormat.MaxStringBytes, what + " length");
        CheckAvailable(at, count, what);
        byte[] bytes = count <= _buffer.Length ? [] : new byte[count];
        ReadOnlySpan<byte> utf8 = count <= _buffer.Length ? Take(count) : ReadInto(bytes);
        try
        {
            return Utf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw new SnapshotFormatException(at, $"{what} is not valid UTF-8");
        }
    }

    /// <summary>Reads a payload header and returns its total length, checked against the file and <paramref name="max"/>.</summary>
    public long ReadPayloadLength(long max, string what)
    {
        long at = Offset;
        ulong total = ReadUInt64();
        if (total > (ulong)max)
        {
            throw new SnapshotFormatException(at, $"{what} claims {total} bytes, more than this build can hold ({max})");
        }

        CheckAvailable(at, (long)total, what);
        return (long)total;
    }

    /// <summary>
    /// Reads the chunks of a payload whose length <see cref="ReadPayloadLength"/> returned, into
    /// <paramref name="destination"/>. Each chunk's bytes are checked against its CRC-64 at once, or, when
    /// <paramref name="deferred"/> is given, listed there for the caller to check later (on another core).
    /// </summary>
    public void ReadPayloadChunks(Span<byte> destination, string what, List<ChunkCheck>? deferred = null)
    {
        int position = 0;
        while (position < destination.Length)
        {
            long at = Offset;
            uint chunk = ReadUInt32();
            int left = destination.Length - position;
            if (chunk == 0 || chunk > (uint)left)
            {
                throw new SnapshotFormatException(at, $"{what} has a chunk of {chunk} bytes where 1 to {left} remain");
            }

            ulong crc = ReadUInt64();
            long dataAt = Offset;
            Span<byte> data = destination.Slice(position, (int)chunk);
            ReadData(data);
            if (deferred is not null)
            {
                deferred.Add(new ChunkCheck(position, (int)chunk, crc, dataAt));
            }
            else
            {
                ChunkCheck.Verify(data, crc, dataAt);
            }

            position += (int)chunk;
        }
    }

    /// <summary>Fails unless the file ends here.</summary>
    public void ExpectEnd()
    {
        if (Remaining != 0)
        {
            throw new SnapshotFormatException(Offset, $"{Remaining} unexpected bytes follow the end marker");
        }
    }

    /// <summary>Fails when fewer than <paramref name="count"/> bytes are left.</summary>
    public void CheckAvailable(long at, long count, string what)
    {
        if (count > _length - Offset)
        {
            throw new SnapshotFormatException(at, $"{what} needs {count} bytes but the file ends {_length - Offset} bytes later (truncated?)", truncated: true);
        }
    }

    private Span<byte> ReadInto(Span<byte> destination) => Read(destination, hash: true);

    // Payload bytes: outside the entry and file checksums (their chunk CRC covers them).
    private void ReadData(Span<byte> destination) => Read(destination, hash: false);

    private Span<byte> Read(Span<byte> destination, bool hash)
    {
        Span<byte> result = destination;
        HashPending();
        int buffered = Math.Min(_count - _position, destination.Length);
        if (buffered > 0)
        {
            _buffer.AsSpan(_position, buffered).CopyTo(destination);
            if (hash)
            {
                Hash(destination[..buffered]);
            }

            _position += buffered;
            _hashed = _position;
            destination = destination[buffered..];
        }

        if (destination.IsEmpty)
        {
            return result;
        }

        // The buffer is used up: restart it empty at the current offset and read the rest straight from the stream.
        _bufferStart += _count;
        _position = 0;
        _count = 0;
        _hashed = 0;
        long at = Offset;
        while (!destination.IsEmpty)
        {
            Span<byte> slice = destination[..Math.Min(destination.Length, SliceSize)];
            int read = _stream.ReadAtLeast(slice, slice.Length, throwOnEndOfStream: false);
            if (hash)
            {
                Hash(slice[..read]);
            }

            _bufferStart += read;
            if (read < slice.Length)
            {
                throw new SnapshotFormatException(at, "the file ends inside a field (truncated?)", truncated: true);
            }

            destination = destination[read..];
        }

        return result;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_count - _position < count)
        {
            Fill(count);
        }

        ReadOnlySpan<byte> span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private void Fill(int count)
    {
        HashPending();
        int left = _count - _position;
        _buffer.AsSpan(_position, left).CopyTo(_buffer);
        _bufferStart += _position;
        _position = 0;
        _hashed = 0;
        _count = left;
        while (_count < count)
        {
            int read = _stream.Read(_buffer, _count, _buffer.Length - _count);
            if (read == 0)
            {
                throw new SnapshotFormatException(Offset, $"the file ends inside a field ({_count} of {count} bytes present; truncated?)", truncated: true);
            }

            _count += read;
        }
    }

    private void HashPending()
    {
        if (_hashed < _position)
        {
            Hash(_buffer.AsSpan(_hashed, _position - _hashed));
            _hashed = _position;
        }
    }

    private void Hash(ReadOnlySpan<byte> data)
    {
        _entryCrc.Append(data);
        _fileCrc?.Append(data);
    }
}
