using System.Text;

namespace RedisAI.Persistence.Format;

/// <summary>
/// Encodes and decodes one key's entry (tensor, model, script), the unit both snapshots and log records are made
/// of: kind, key, expiry, the kind's fields, then the entry's CRC-64. See docs/snapshot-format.md.
/// </summary>
internal static class EntryCodec
{
    private const long NoExpiry = 0;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Whether an entry is written at all. A <see cref="DotNetScript"/> is code compiled into the application, not
    /// data: there is nothing to save, and the application stores it again at start-up.
    /// </summary>
    public static bool IsPersisted(StoreEntry entry) =>
        entry.Script is not { } script || !string.Equals(script.Backend, DotNetScript.BackendName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes a whole entry, its checksum included. Call only for entries <see cref="IsPersisted"/> accepts.</summary>
    /// <exception cref="AiArgumentException">The entry holds a kind of value this build cannot save.</exception>
    public static void Write(FormatWriter writer, StoreEntry entry)
    {
        writer.BeginEntry();
        switch (entry.Type)
        {
            case KeyType.Tensor:
                WriteHead(writer, EntryKind.Tensor, entry.Key, entry.ExpiresAt);
                WriteTensor(writer, entry.Tensor!);
                break;
            case KeyType.Model:
                WriteHead(writer, EntryKind.Model, entry.Key, entry.ExpiresAt);
                WriteModel(writer, entry.Model!);
                break;
            case KeyType.Script:
                WriteHead(writer, EntryKind.Script, entry.Key, entry.ExpiresAt);
                WriteScript(writer, entry.Script!);
                break;
            default:
                throw new AiArgumentException($"key '{entry.Key}' holds a {entry.Type}, which this build cannot save");
        }

        writer.EndEntry();
    }

    public static void WriteHead(FormatWriter writer, EntryKind kind, string key, DateTimeOffset? expiresAt)
    {
        writer.WriteByte((byte)kind);
        writer.WriteString(key);
        writer.WriteInt64(expiresAt?.UtcTicks ?? NoExpiry);
    }

    /// <summary>Reads the key and expiry that follow an entry's kind byte.</summary>
    public static (string Key, DateTimeOffset? ExpiresAt) ReadHead(FormatReader reader)
    {
        string key = reader.ReadString("key");
        if (key.Length == 0)
        {
            throw new SnapshotFormatException(reader.Offset, "the key is empty");
        }

        long at = reader.Offset;
        long ticks = reader.ReadInt64();
        if (ticks == NoExpiry)
        {
            return (key, null);
        }

        return ticks > 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? (key, new DateTimeOffset(ticks, TimeSpan.Zero))
            : throw new SnapshotFormatException(at, $"expiry {ticks} is not a time");
    }

    /// <summary>
    /// Reads the fields of a tensor, model or script entry after its head, not its checksum. Large payloads' chunk
    /// checks go to <paramref name="verifier"/> when given (checked later, on another core), else are checked now.
    /// </summary>
    public static StoreEntry ReadBody(FormatReader reader, EntryKind kind, string key, DateTimeOffset? expiresAt, ChunkVerifier? verifier = null, long entryIndex = 0) => kind switch
    {
        EntryKind.Tensor => StoreEntry.ForTensor(key, ReadTensor(reader, verifier, entryIndex, key), expiresAt),
        EntryKind.Model => StoreEntry.ForModel(ReadModel(reader, key, verifier, entryIndex), expiresAt),
        EntryKind.Script => StoreEntry.ForScript(ReadScript(reader, key), expiresAt),
        _ => throw new InvalidOperationException($"{kind} is not a value entry"),
    };

    /// <summary>Reads an entry's stored checksum and compares it with the one computed over the entry.</summary>
    public static void ReadChecksum(FormatReader reader)
    {
        ulong computed = reader.EntryChecksum();
        long at = reader.Offset;
        ulong stored = reader.ReadUInt64();
        if (stored != computed)
        {
            throw new SnapshotFormatException(at, $"checksum mismatch (stored 0x{stored:X16}, computed 0x{computed:X16}): the entry's bytes are corrupted");
        }
    }

    private static void WriteTensor(FormatWriter writer, AiTensor tensor)
    {
        writer.WriteByte((byte)tensor.DataType);
        WriteDims(writer, tensor.Shape.Dimensions);
        writer.WritePayload(tensor.GetMemory());
    }

    private static AiTensor ReadTensor(FormatReader reader, ChunkVerifier? verifier, long entryIndex, string key)
    {
        long at = reader.Offset;
        DataType type = ReadDataType(reader, allowUnknown: false)!.Value;
        long[] dims = ReadDims(reader, allowUnknown: false)!;
        TensorShape shape;
        try
        {
            shape = new TensorShape(dims);
        }
        catch (AiArgumentException ex)
        {
            throw new SnapshotFormatException(at, ex.Message);
        }

        long payloadAt = reader.Offset;
        long length = reader.ReadPayloadLength(Array.MaxLength, "tensor data");
        if (type == DataType.String)
        {
            var blob = new byte[length];
            reader.ReadPayloadChunks(blob, "tensor data");
            try
            {
                // Checked now: a corrupted blob may not even parse as strings.
                return AiTensor.FromBytes(type, shape, blob);
            }
            catch (AiArgumentException ex)
            {
                throw new SnapshotFormatException(payloadAt, ex.Message);
            }
        }

        long expected = shape.ElementCount * DataTypes.GetElementSize(type);
        if (length != expected)
        {
            throw new SnapshotFormatException(payloadAt, $"tensor data is {length} bytes; a {DataTypes.GetName(type)} tensor of shape {shape} has {expected}");
        }

        // Read straight into the tensor's own buffer: loading copies nothing. BOOL is checked before Complete, which
        // normalizes its bytes (and could hide a corrupted one).
        TensorWriter writer = AiTensor.Allocate(type, shape);
        List<ChunkCheck>? chunks = verifier is not null && type != DataType.Bool ? [] : null;
        reader.ReadPayloadChunks(writer.Bytes, "tensor data", chunks);
        AiTensor tensor = writer.Complete();
        if (chunks is not null)
        {
            verifier!.Schedule(tensor.GetMemory(), chunks, entryIndex, key);
        }

        return tensor;
    }

    private static void WriteModel(FormatWriter writer, ModelInfo model)
    {
        writer.WriteString(model.Backend);
        writer.WriteString(model.Device.ToString());
        writer.WriteString(model.Tag);
        writer.WriteInt32(model.BatchSize);
        writer.WriteInt32(model.MinBatchSize);
        writer.WriteInt64(model.MinBatchTimeout.Ticks);
        WriteTensorInfos(writer, model.Inputs);
        WriteTensorInfos(writer, model.Outputs);
        writer.WritePayload(model.Blob);
    }

    private static ModelInfo ReadModel(FormatReader reader, string key, ChunkVerifier? verifier, long entryIndex)
    {
        string backend = reader.ReadString("backend");
        Device device = ReadDevice(reader);
        string tag = reader.ReadString("tag");
        long at = reader.Offset;
        int batchSize = reader.ReadInt32();
        int minBatchSize = reader.ReadInt32();
        long timeoutTicks = reader.ReadInt64();
        if (batchSize < 0 || minBatchSize < 0 || timeoutTicks < 0)
        {
            throw new SnapshotFormatException(at, $"negative batch settings (BATCHSIZE {batchSize}, MINBATCHSIZE {minBatchSize}, MINBATCHTIMEOUT {timeoutTicks} ticks)");
        }

        var inputs = ReadTensorInfos(reader, "input");
        var outputs = ReadTensorInfos(reader, "output");

        // Chunked with a 64-bit total, so the format carries models over 2 GiB; this build keeps a model's bytes in one array.
        long length = reader.ReadPayloadLength(Array.MaxLength, "model bytes");
        byte[] blob = GC.AllocateUninitializedArray<byte>((int)length);
        List<ChunkCheck>? chunks = verifier is not null ? [] : null;
        reader.ReadPayloadChunks(blob, "model bytes", chunks);
        if (chunks is not null)
        {
            verifier!.Schedule(blob, chunks, entryIndex, key);
        }

        return new ModelInfo(key, backend, device, tag, batchSize, minBatchSize, TimeSpan.FromTicks(timeoutTicks), inputs, outputs, blob);
    }

    private static void WriteScript(FormatWriter writer, ScriptInfo script)
    {
        writer.WriteString(script.Backend);
        writer.WriteString(script.Device.ToString());
        writer.WriteString(script.Tag);
        writer.WriteUInt32((uint)script.EntryPoints.Count);
        foreach (string entryPoint in script.EntryPoints)
        {
            writer.WriteString(entryPoint);
        }

        writer.WritePayload(Encoding.UTF8.GetBytes(script.Source));
    }

    private static ScriptInfo ReadScript(FormatReader reader, string key)
    {
        string backend = reader.ReadString("backend");
        Device device = ReadDevice(reader);
        string tag = reader.ReadString("tag");
        var entryPoints = new string[reader.ReadCount(SnapshotFormat.MaxListCount, "entry point")];
        for (int i = 0; i < entryPoints.Length; i++)
        {
            entryPoints[i] = reader.ReadString("entry point");
        }

        long at = reader.Offset;
        long length = reader.ReadPayloadLength(Array.MaxLength, "script source");
        var source = new byte[length];
        reader.ReadPayloadChunks(source, "script source");
        try
        {
            return new ScriptInfo(key, backend, device, tag, entryPoints, StrictUtf8.GetString(source));
        }
        catch (DecoderFallbackException)
        {
            throw new SnapshotFormatException(at, "the script source is not valid UTF-8");
        }
    }

    private static Device ReadDevice(FormatReader reader)
    {
        long at = reader.Offset;
        string text = reader.ReadString("device");
        return Device.TryParse(text, out var device) ? device : throw new SnapshotFormatException(at, $"'{text}' is not a device");
    }

    private static void WriteTensorInfos(FormatWriter writer, IReadOnlyList<TensorInfo> infos)
    {
        writer.WriteUInt32((uint)infos.Count);
        foreach (var info in infos)
        {
            writer.WriteString(info.Name);
            writer.WriteByte(info.DataType is { } type ? (byte)type : (byte)0);
            if (info.Dimensions is null)
            {
                writer.WriteInt32(-1);
            }
            else
            {
                writer.WriteInt32(info.Dimensions.Count);
                foreach (long d in info.Dimensions)
                {
                    writer.WriteInt64(d);
                }
            }
        }
    }

    private static TensorInfo[] ReadTensorInfos(FormatReader reader, string what)
    {
        var infos = new TensorInfo[reader.ReadCount(SnapshotFormat.MaxListCount, what)];
        for (int i = 0; i < infos.Length; i++)
        {
            string name = reader.ReadString(what + " name");
            DataType? type = ReadDataType(reader, allowUnknown: true);
            long[]? dims = ReadDims(reader, allowUnknown: true);
            infos[i] = new TensorInfo(name, type, dims);
        }

        return infos;
    }

    private static void WriteDims(FormatWriter writer, ReadOnlySpan<long> dims)
    {
        writer.WriteInt32(dims.Length);
        foreach (long d in dims)
        {
            writer.WriteInt64(d);
        }
    }

    // A tensor's dimensions are 0 or more; a declared input's may be -1 (known only at run time), and its rank -1 (unknown).
    private static long[]? ReadDims(FormatReader reader, bool allowUnknown)
    {
        long at = reader.Offset;
        int rank = reader.ReadInt32();
        if (rank == -1 && allowUnknown)
        {
            return null;
        }

        if (rank < 0 || rank > SnapshotFormat.MaxRank)
        {
            throw new SnapshotFormatException(at, $"rank {rank} is outside 0 to {SnapshotFormat.MaxRank}");
        }

        reader.CheckAvailable(at, rank * 8L, "dimensions");
        var dims = new long[rank];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = reader.ReadInt64();
            if (dims[i] < (allowUnknown ? -1 : 0))
            {
                throw new SnapshotFormatException(at, $"dimension {i} is {dims[i]}");
            }
        }

        return dims;
    }

    private static DataType? ReadDataType(FormatReader reader, bool allowUnknown)
    {
        long at = reader.Offset;
        byte code = reader.ReadByte();
        if (code == 0 && allowUnknown)
        {
            return null;
        }

        return DataTypes.IsDefined((DataType)code) ? (DataType)code : throw new SnapshotFormatException(at, $"{code} is not a data type");
    }
}
