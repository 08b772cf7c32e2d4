using System.Numerics;

namespace RedisAI.Backends.Onnx.TensorProtos;

/// <summary>
/// Writes the protobuf wire format into a buffer sized beforehand with <see cref="VarintSize"/> and
/// <see cref="BytesFieldSize"/>, so a message is built with one allocation and no copy.
/// </summary>
internal ref struct ProtoWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public ProtoWriter(Span<byte> buffer) => _buffer = buffer;

    public readonly int Position => _position;

    public static int VarintSize(ulong value) => value == 0 ? 1 : (BitOperations.Log2(value) / 7) + 1;

    public static long TagSize(int field) => VarintSize((ulong)field << 3);

    public static long VarintFieldSize(int field, ulong value) => TagSize(field) + VarintSize(value);

    public static long BytesFieldSize(int field, long length) => TagSize(field) + VarintSize((ulong)length) + length;

    public void WriteVarintField(int field, ulong value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint(value);
    }

    public void WriteBytesField(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    private void WriteTag(int field, WireType wireType) => WriteVarint(((ulong)field << 3) | (ulong)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_position++] = (byte)value;
    }
}
