using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace RedisAI.Backends.Onnx.TensorProtos;

/// <summary>
/// Parses a serialized ONNX <c>TensorProto</c> into a store tensor in two passes: the first finds the type, the
/// shape, the name and where the values are (counting them); the second copies the values into the tensor.
/// </summary>
internal static class TensorProtoReader
{
    // Fields whose values are counted in the first pass; indexed by field number.
    private const int CountedFields = TensorProto.Uint64Data + 1;

    public static AiTensor Read(ReadOnlySpan<byte> message, string source, out string? name)
    {
        var dims = new List<long>();
        long? onnxType = null;
        int rawOffset = -1;
        int rawLength = 0;
        int externalOffset = -1;
        long stringBytes = 0;
        Span<long> counts = stackalloc long[CountedFields];
        counts.Clear();
        name = null;

        var reader = new ProtoReader(message, source);
        while (true)
        {
            int tagOffset = reader.Offset;
            if (!reader.TryReadTag(out int field, out WireType wire))
            {
                break;
            }

            switch (field)
            {
                case TensorProto.Dims:
                    ReadDims(ref reader, wire, tagOffset, dims);
                    break;
                case TensorProto.DataTypeNumber:
                    Expect(ref reader, field, "data_type", wire, WireType.Varint, tagOffset);
                    onnxType = unchecked((long)reader.ReadVarint());
                    break;
                case TensorProto.Segment:
                    throw reader.Error($"segmented tensors are not supported: field 3 (segment) at byte {tagOffset}; save the whole tensor in one TensorProto");
                case TensorProto.FloatData:
                    counts[field] += CountFixed(ref reader, field, wire, WireType.Fixed32, tagOffset);
                    break;
                case TensorProto.DoubleData:
                    counts[field] += CountFixed(ref reader, field, wire, WireType.Fixed64, tagOffset);
                    break;
                case TensorProto.Int32Data:
                case TensorProto.Int64Data:
                case TensorProto.Uint64Data:
                    counts[field] += CountVarints(ref reader, field, wire, tagOffset);
                    break;
                case TensorProto.StringData:
                    Expect(ref reader, field, "string_data", wire, WireType.LengthDelimited, tagOffset);
                    stringBytes += reader.ReadLengthDelimited(out _).Length;
                    counts[field]++;
                    break;
                case TensorProto.Name:
                    Expect(ref reader, field, "name", wire, WireType.LengthDelimited, tagOffset);
                    name = Encoding.UTF8.GetString(reader.ReadLengthDelimited(out _));
                    break;
                case TensorProto.RawData:
                    Expect(ref reader, field, "raw_data", wire, WireType.LengthDelimited, tagOffset);
                    rawLength = reader.ReadLengthDelimited(out rawOffset).Length;
                    break;
                case TensorProto.ExternalData:
                    externalOffset = tagOffset;
                    reader.Skip(field, wire);
                    break;
                case TensorProto.DataLocation:
                    Expect(ref reader, field, "data_location", wire, WireType.Varint, tagOffset);
                    if (reader.ReadVarint() == TensorProto.DataLocationExternal)
                    {
                        externalOffset = tagOffset;
                    }

                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        if (externalOffset >= 0)
        {
            throw reader.Error(
                $"the tensor's data is stored in another file (data_location EXTERNAL or external_data, at byte {externalOffset}); only self-contained TensorProtos can be read. " +
                "Load the external data into the tensor (for example with onnx.external_data_helper.load_external_data_for_tensor) and save it again");
        }

        if (onnxType is not { } typeNumber)
        {
            throw reader.Error("no data_type (field 2); a TensorProto must say its element type");
        }

        if (!TensorProto.TryGetDataType(typeNumber, out DataType dataType, out int typedField))
        {
            throw reader.Error(
                $"ONNX data type {TensorProto.DescribeOnnxType(typeNumber)} has no store data type; the store holds {DescribeStoreTypes()}");
        }

        TensorShape shape = MakeShape(ref reader, dims);
        string typeName = DataTypes.GetName(dataType);
        for (int field = TensorProto.FloatData; field < CountedFields; field++)
        {
            if (field != typedField && counts[field] > 0)
            {
                throw reader.Error(
                    $"a {typeName} tensor has {counts[field]} values in {TensorProto.FieldName(field)} (field {field}); its values belong in {TensorProto.FieldName(typedField)}{(dataType == DataType.String ? string.Empty : " or raw_data")}");
            }
        }

        if (rawOffset >= 0)
        {
            if (dataType == DataType.String)
            {
                throw reader.Error($"a STRING tensor has raw_data (at byte {rawOffset}); STRING values belong in string_data");
            }

            if (counts[typedField] > 0)
            {
                throw reader.Error(
                    $"both raw_data and {TensorProto.FieldName(typedField)} are set ({counts[typedField]} values); a TensorProto holds its values in one of them");
            }

            return FromRawData(message.Slice(rawOffset, rawLength), rawOffset, dataType, shape, ref reader);
        }

        long count = counts[typedField];
        if (count != shape.ElementCount)
        {
            throw reader.Error(count == 0
                ? $"no values: a {typeName} tensor of shape {shape} needs {shape.ElementCount} in raw_data or {TensorProto.FieldName(typedField)}"
                : $"{TensorProto.FieldName(typedField)} holds {count} values; a {typeName} tensor of shape {shape} needs {shape.ElementCount}");
        }

        return dataType == DataType.String
            ? FromStringData(message, source, shape, stringBytes)
            : FromTypedData(message, source, typeNumber, dataType, typedField, shape);
    }

    private static void ReadDims(ref ProtoReader reader, WireType wire, int tagOffset, List<long> dims)
    {
        // dims is not declared packed in onnx.proto, but parsers must accept both encodings.
        if (wire == WireType.Varint)
        {
            dims.Add(unchecked((long)reader.ReadVarint()));
            return;
        }

        Expect(ref reader, TensorProto.Dims, "dims", wire, WireType.LengthDelimited, tagOffset);
        ProtoReader values = reader.ReadNested();
        while (!values.IsAtEnd)
        {
            dims.Add(unchecked((long)values.ReadVarint()));
        }
    }

    private static TensorShape MakeShape(ref ProtoReader reader, List<long> dims)
    {
        for (int i = 0; i < dims.Count; i++)
        {
            if (dims[i] < 0)
            {
                throw reader.Error($"dims[{i}] is {dims[i]}; dimensions must be 0 or more");
            }
        }

        try
        {
            return new TensorShape(CollectionsMarshal.AsSpan(dims));
        }
        catch (AiArgumentException ex)
        {
            throw new AiArgumentException(reader.Error(ex.Message).Message, ex);
        }
    }

    private static AiTensor FromRawData(ReadOnlySpan<byte> raw, int rawOffset, DataType dataType, TensorShape shape, ref ProtoReader reader)
    {
        int size = DataTypes.GetElementSize(dataType);
        long expected = shape.ElementCount * size;
        if (raw.Length != expected)
        {
            throw reader.Error(
                $"raw_data (at byte {rawOffset}) holds {raw.Length} bytes; a {DataTypes.GetName(dataType)} tensor of shape {shape} needs {expected} ({shape.ElementCount} elements of {size} bytes)");
        }

        if (dataType == DataType.Bool)
        {
            int bad = raw.IndexOfAnyExcept((byte)0, (byte)1);
            if (bad >= 0)
            {
                throw reader.Error($"raw_data byte {bad} of a BOOL tensor (at byte {rawOffset + bad}) is {raw[bad]}; BOOL values must be 0 or 1");
            }
        }

        TensorWriter writer = AiTensor.Allocate(dataType, shape);
        raw.CopyTo(writer.Bytes);
        return writer.Complete();
    }

    private static AiTensor FromTypedData(ReadOnlySpan<byte> message, string source, long onnxType, DataType dataType, int typedField, TensorShape shape)
    {
        TensorWriter writer = AiTensor.Allocate(dataType, shape);
        var sink = new ValueSink(writer.Bytes, DataTypes.GetElementSize(dataType), typedField, TensorProto.GetInt32DataRange(onnxType), DataTypes.GetName(dataType));
        var reader = new ProtoReader(message, source);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field != typedField)
            {
                reader.Skip(field, wire);
            }
            else if (wire == WireType.LengthDelimited)
            {
                ProtoReader values = reader.ReadNested();
                while (!values.IsAtEnd)
                {
                    sink.Add(ref values);
                }
            }
            else
            {
                sink.Add(ref reader);
            }
        }

        return writer.Complete();
    }

    private static AiTensor FromStringData(ReadOnlySpan<byte> message, string source, TensorShape shape, long stringBytes)
    {
        long total = stringBytes + shape.ElementCount;
        if (total > Array.MaxLength)
        {
            throw new AiArgumentException($"{source}: the strings take {total} bytes, more than a tensor can hold ({Array.MaxLength})");
        }

        byte[] blob = new byte[total];
        int position = 0;
        int index = 0;
        var reader = new ProtoReader(message, source);
        while (reader.TryReadTag(out int field, out WireType wire))
        {
            if (field != TensorProto.StringData)
            {
                reader.Skip(field, wire);
                continue;
            }

            ReadOnlySpan<byte> value = reader.ReadLengthDelimited(out int offset);
            int nul = value.IndexOf((byte)0);
            if (nul >= 0)
            {
                throw reader.Error(
                    $"string_data[{index}] (at byte {offset}) has a NUL byte at position {nul}; store STRING elements are NUL-terminated and cannot hold one");
            }

            value.CopyTo(blob.AsSpan(position));
            position += value.Length;
            blob[position++] = 0;
            index++;
        }

        return AiTensor.FromBytes(DataType.String, shape, blob);
    }

    private static void Expect(ref ProtoReader reader, int field, string fieldName, WireType actual, WireType expected, int tagOffset)
    {
        if (actual != expected)
        {
            throw reader.Error($"{fieldName} (field {field}) at byte {tagOffset} has wire type {(int)actual}; expected {(int)expected}");
        }
    }

    private static long CountFixed(ref ProtoReader reader, int field, WireType wire, WireType fixedType, int tagOffset)
    {
        int size = fixedType == WireType.Fixed32 ? 4 : 8;
        if (wire == fixedType)
        {
            reader.Skip(field, wire);
            return 1;
        }

        Expect(ref reader, field, TensorProto.FieldName(field), wire, WireType.LengthDelimited, tagOffset);
        ReadOnlySpan<byte> packed = reader.ReadLengthDelimited(out int offset);
        if (packed.Length % size != 0)
        {
            throw reader.Error($"packed {TensorProto.FieldName(field)} at byte {offset} has {packed.Length} bytes, not a multiple of {size}");
        }

        return packed.Length / size;
    }

    private static long CountVarints(ref ProtoReader reader, int field, WireType wire, int tagOffset)
    {
        if (wire == WireType.Varint)
        {
            reader.ReadVarint();
            return 1;
        }

        Expect(ref reader, field, TensorProto.FieldName(field), wire, WireType.LengthDelimited, tagOffset);
        ReadOnlySpan<byte> packed = reader.ReadLengthDelimited(out int offset);
        if (packed.Length > 0 && packed[^1] >= 0x80)
        {
            throw reader.Error($"packed {TensorProto.FieldName(field)} at byte {offset} ends inside a varint");
        }

        // Each varint ends with the one byte that has the high bit clear.
        int ends = 0;
        foreach (byte b in packed)
        {
            if (b < 0x80)
            {
                ends++;
            }
        }

        return ends;
    }

    private static string DescribeStoreTypes()
    {
        var names = new List<string>();
        for (int onnx = 0; onnx < 32; onnx++)
        {
            if (TensorProto.TryGetDataType(onnx, out DataType type, out _))
            {
                names.Add(DataTypes.GetName(type));
            }
        }

        return string.Join(", ", names);
    }

    /// <summary>Decodes typed-field values into the tensor's bytes, checking each against the element type.</summary>
    private ref struct ValueSink
    {
        private readonly Span<byte> _destination;
        private readonly int _size;
        private readonly int _field;
        private readonly long _min;
        private readonly long _max;
        private readonly string _typeName;
        private int _index;

        public ValueSink(Span<byte> destination, int size, int field, (long Min, long Max) range, string typeName)
        {
            _destination = destination;
            _size = size;
            _field = field;
            (_min, _max) = range;
            _typeName = typeName;
        }

        public void Add(ref ProtoReader reader)
        {
            int offset = reader.Offset;
            Span<byte> target = _destination.Slice(_index * _size, _size);
            switch (_field)
            {
                case TensorProto.FloatData:
                    BinaryPrimitives.WriteUInt32LittleEndian(target, reader.ReadFixed32());
                    break;
                case TensorProto.DoubleData:
                    BinaryPrimitives.WriteUInt64LittleEndian(target, reader.ReadFixed64());
                    break;
                case TensorProto.Int64Data:
                    BinaryPrimitives.WriteUInt64LittleEndian(target, reader.ReadVarint());
                    break;
                default:
                    // int32_data values are sign-extended to 64 bits on the wire; uint64_data values are not.
                    WriteInteger(target, reader.ReadVarint(), ref reader, offset);
                    break;
            }

            _index++;
        }

        private readonly void WriteInteger(Span<byte> target, ulong wireValue, ref ProtoReader reader, int offset)
        {
            bool inRange = _field == TensorProto.Uint64Data
                ? _size == sizeof(ulong) || wireValue <= uint.MaxValue
                : unchecked((long)wireValue) is var signed && signed >= _min && signed <= _max;
            if (!inRange)
            {
                string shown = _field == TensorProto.Uint64Data
                    ? wireValue.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : unchecked((long)wireValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw reader.Error(
                    $"{TensorProto.FieldName(_field)}[{_index}] (at byte {offset}) is {shown}, outside the {_typeName} range {_min}..{_max}");
            }

            switch (_size)
            {
                case 1:
                    target[0] = unchecked((byte)wireValue);
                    break;
                case 2:
                    BinaryPrimitives.WriteUInt16LittleEndian(target, unchecked((ushort)wireValue));
                    break;
                case 4:
                    BinaryPrimitives.WriteUInt32LittleEndian(target, unchecked((uint)wireValue));
                    break;
                default:
                    BinaryPrimitives.WriteUInt64LittleEndian(target, wireValue);
                    break;
            }
        }
    }
}
