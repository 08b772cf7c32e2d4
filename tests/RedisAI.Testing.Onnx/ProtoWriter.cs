using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace RedisAI.Testing.Onnx;

/// <summary>
/// Minimal protobuf wire-format encoder: just enough to serialise onnx.proto messages.
/// Nested messages are encoded into a child writer first, because the wire format
/// needs their length up front.
/// </summary>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteRawByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteRawByte((byte)value);
    }

    public void WriteTag(int field, int wireType) => WriteVarint((uint)((field << 3) | wireType));

    // int64/int32/enum fields: negative values are sign-extended to ten bytes, as protobuf requires.
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireVarint);
        WriteVarint(unchecked((ulong)value));
    }

    public void WriteFixed32(int field, uint value)
    {
        WriteTag(field, WireFixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        WriteRaw(bytes);
    }

    public void WriteFixed64(int field, ulong value)
    {
        WriteTag(field, WireFixed64);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        WriteRaw(bytes);
    }

    public void WriteFloat(int field, float value) => WriteFixed32(field, BitConverter.SingleToUInt32Bits(value));

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)value.Length);
        WriteRaw(value);
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteMessage(int field, Action<ProtoWriter> writeBody)
    {
        var child = new ProtoWriter();
        writeBody(child);
        WriteBytes(field, child._buffer.WrittenSpan);
    }

    public void WritePackedInt64(int field, ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return; // An empty packed field is legal but pointless; omitting it means "no values".
        }

        var child = new ProtoWriter();
        foreach (var value in values)
        {
            child.WriteVarint(unchecked((ulong)value));
        }

        WriteBytes(field, child._buffer.WrittenSpan);
    }

    public void WritePackedFloat(int field, ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        WriteBytes(field, bytes);
    }

    private void WriteRawByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);
}
