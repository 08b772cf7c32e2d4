using System.Buffers.Binary;
using System.Text;

namespace RedisAI.Conformance.Tests.TensorProtos;

/// <summary>Hand-encodes protobuf fields, so tests build TensorProtos independently of the writer under test.</summary>
internal sealed class ProtoBytes
{
    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => [.. _bytes];

    public ProtoBytes Varint(int field, long value) => Tag(field, 0).Raw(Encode(unchecked((ulong)value)));

    public ProtoBytes Fixed32(int field, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Tag(field, 5).Raw(bytes);
    }

    public ProtoBytes Fixed64(int field, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return Tag(field, 1).Raw(bytes);
    }

    public ProtoBytes Bytes(int field, ReadOnlySpan<byte> value) => Tag(field, 2).Raw(Encode((ulong)value.Length)).Raw(value.ToArray());

    public ProtoBytes String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoBytes PackedVarints(int field, params long[] values)
    {
        var payload = new List<byte>();
        foreach (long value in values)
        {
            payload.AddRange(Encode(unchecked((ulong)value)));
        }

        return Bytes(field, payload.ToArray());
    }

    public ProtoBytes PackedFloats(int field, params float[] values)
    {
        var payload = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(i * 4), values[i]);
        }

        return Bytes(field, payload);
    }

    public ProtoBytes PackedDoubles(int field, params double[] values)
    {
        var payload = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan(i * 8), values[i]);
        }

        return Bytes(field, payload);
    }

    public ProtoBytes Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    private ProtoBytes Tag(int field, int wire) => Raw(Encode((ulong)((field << 3) | wire)));

    private static byte[] Encode(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}
