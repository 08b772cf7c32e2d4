using System.Buffers.Binary;

namespace RedisAI.Backends.Onnx.TensorProtos;

/// <summary>The protobuf wire types.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// A forward-only reader of the protobuf wire format over a span. Every error is an <see cref="AiArgumentException"/>
/// that starts with the source's description and gives the byte offset in the outermost message.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _source;
    private readonly int _baseOffset;
    private int _position;

    /// <param name="data">The message bytes.</param>
    /// <param name="source">What is read, for messages (for example <c>ONNX TensorProto file 'x.pb'</c>).</param>
    /// <param name="baseOffset">The offset of <paramref name="data"/> in the outermost message, for nested readers.</param>
    public ProtoReader(ReadOnlySpan<byte> data, string source, int baseOffset = 0)
    {
        _data = data;
        _source = source;
        _baseOffset = baseOffset;
    }

    /// <summary>The offset of the next byte in the outermost message.</summary>
    public readonly int Offset => _baseOffset + _position;

    public readonly bool IsAtEnd => _position >= _data.Length;

    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (IsAtEnd)
        {
            field = 0;
            wireType = default;
            return false;
        }

        int start = Offset;
        ulong tag = ReadVarint();
        ulong number = tag >> 3;
        if (number is 0 or > (1 << 29) - 1)
        {
            throw Error($"invalid field number {number} in the tag at byte {start}");
        }

        field = (int)number;
        wireType = (WireType)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        int start = Offset;
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Error($"truncated varint at byte {start}");
            }

            byte b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Error($"varint longer than 10 bytes at byte {start}");
    }

    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads a length-delimited payload (bytes, string, embedded message or packed values).</summary>
    /// <param name="payloadOffset">The payload's offset in the outermost message.</param>
    public ReadOnlySpan<byte> ReadLengthDelimited(out int payloadOffset)
    {
        int start = Offset;
        ulong length = ReadVarint();
        int remaining = _data.Length - _position;
        if (length > (ulong)remaining)
        {
            throw Error($"truncated: the length at byte {start} declares {length} bytes but only {remaining} remain");
        }

        payloadOffset = Offset;
        ReadOnlySpan<byte> payload = _data.Slice(_position, (int)length);
        _position += (int)length;
        return payload;
    }

    /// <summary>Reads a length-delimited payload and returns a reader over it (for packed values) that reports offsets in the outermost message.</summary>
    public ProtoReader ReadNested()
    {
        ReadOnlySpan<byte> payload = ReadLengthDelimited(out int offset);
        return new ProtoReader(payload, _source, offset);
    }

    /// <summary>Skips the value of a field this reader does not use.</summary>
    public void Skip(int field, WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8);
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited(out _);
                break;
            case WireType.Fixed32:
                Take(4);
                break;
            default:
                throw Error($"field {field} before byte {Offset} has wire type {(int)wireType}, which is not supported (groups are obsolete; valid types are 0, 1, 2 and 5)");
        }
    }

    /// <summary>Makes the error for a problem found while reading, naming the source.</summary>
    public readonly AiArgumentException Error(string message) => new($"{_source}: {message}");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_data.Length - _position < count)
        {
            throw Error($"truncated {count}-byte value at byte {Offset}");
        }

        ReadOnlySpan<byte> bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }
}
