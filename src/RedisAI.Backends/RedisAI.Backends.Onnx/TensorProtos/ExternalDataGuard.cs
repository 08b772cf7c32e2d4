using System.Text;

namespace RedisAI.Backends.Onnx.TensorProtos;

/// <summary>
/// Refuses ONNX models whose tensors keep their data in external files. ONNX Runtime resolves such a file relative
/// to the working directory when a model is loaded from bytes, so a stored (untrusted) model could read any file the
/// process can.
/// </summary>
internal static class ExternalDataGuard
{
    // Field numbers from onnx.proto.
    private const int ModelGraph = 7;
    private const int ModelTrainingInfo = 20;
    private const int ModelFunctions = 25;
    private const int TrainingInitialization = 1;
    private const int TrainingAlgorithm = 2;
    private const int FunctionNode = 7;
    private const int GraphNode = 1;
    private const int GraphInitializer = 5;
    private const int GraphSparseInitializer = 15;
    private const int NodeAttribute = 5;
    private const int AttributeTensor = 5;
    private const int AttributeGraph = 6;
    private const int AttributeTensors = 10;
    private const int AttributeGraphs = 11;
    private const int AttributeSparseTensor = 22;
    private const int AttributeSparseTensors = 23;
    private const int SparseValues = 1;
    private const int SparseIndices = 2;
    private const int TensorName = 8;
    private const int TensorExternalData = 13;
    private const int TensorDataLocation = 14;
    private const int EntryKey = 1;
    private const int EntryValue = 2;
    private const ulong LocationExternal = 1;

    // Subgraphs nest through attributes; a bound keeps a hostile model from exhausting the stack.
    private const int MaxDepth = 64;

    /// <summary>Throws when any tensor of <paramref name="model"/>, in any graph, subgraph or function, uses external data.</summary>
    /// <param name="model">The model bytes.</param>
    /// <param name="key">The model's key, for the message.</param>
    /// <exception cref="AiBackendException">A tensor uses external data, or graphs nest deeper than the guard reads.</exception>
    public static void Check(ReadOnlySpan<byte> model, string key)
    {
        try
        {
            var reader = new ProtoReader(model, "ONNX model");
            while (reader.TryReadTag(out int field, out WireType wire))
            {
                if (wire != WireType.LengthDelimited)
                {
                    reader.Skip(field, wire);
                }
                else if (field == ModelGraph)
                {
                    ReadGraph(reader.ReadNested(), key, 0);
                }
                else if (field == ModelFunctions)
                {
                    ReadFunction(reader.ReadNested(), key);
                }
                else if (field == ModelTrainingInfo)
                {
                    ReadTrainingInfo(reader.ReadNested(), key);
                }
                else
                {
                    reader.Skip(field, wire);
                }
            }
        }
        catch (AiArgumentException)
        {
            // Not an ONNX ModelProto (for example ONNX Runtime's own .ort format): ONNX Runtime judges it.
        }
    }

    private static void ReadTrainingInfo(ProtoReader info, string key)
    {
        while (info.TryReadTag(out int field, out WireType wire))
        {
            if (field is TrainingInitialization or TrainingAlgorithm && wire == WireType.LengthDelimited)
            {
                ReadGraph(info.ReadNested(), key, 0);
            }
            else
            {
                info.Skip(field, wire);
            }
        }
    }

    private static void ReadGraph(ProtoReader graph, string key, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new AiBackendException(AiErrorCode.InvalidModel, $"model '{key}' nests subgraphs deeper than {MaxDepth} levels");
        }

        while (graph.TryReadTag(out int field, out WireType wire))
        {
            if (wire != WireType.LengthDelimited)
            {
                graph.Skip(field, wire);
            }
            else if (field == GraphNode)
            {
                ReadNode(graph.ReadNested(), key, depth);
            }
            else if (field == GraphInitializer)
            {
                ReadTensor(graph.ReadNested(), key);
            }
            else if (field == GraphSparseInitializer)
            {
                ReadSparseTensor(graph.ReadNested(), key);
            }
            else
            {
                graph.Skip(field, wire);
            }
        }
    }

    private static void ReadFunction(ProtoReader function, string key)
    {
        while (function.TryReadTag(out int field, out WireType wire))
        {
            if (field == FunctionNode && wire == WireType.LengthDelimited)
            {
                ReadNode(function.ReadNested(), key, 0);
            }
            else
            {
                function.Skip(field, wire);
            }
        }
    }

    private static void ReadNode(ProtoReader node, string key, int depth)
    {
        while (node.TryReadTag(out int field, out WireType wire))
        {
            if (field == NodeAttribute && wire == WireType.LengthDelimited)
            {
                ReadAttribute(node.ReadNested(), key, depth);
            }
            else
            {
                node.Skip(field, wire);
            }
        }
    }

    private static void ReadAttribute(ProtoReader attribute, string key, int depth)
    {
        while (attribute.TryReadTag(out int field, out WireType wire))
        {
            if (wire != WireType.LengthDelimited)
            {
                attribute.Skip(field, wire);
            }
            else if (field is AttributeTensor or AttributeTensors)
            {
                ReadTensor(attribute.ReadNested(), key);
            }
            else if (field is AttributeSparseTensor or AttributeSparseTensors)
            {
                ReadSparseTensor(attribute.ReadNested(), key);
            }
            else if (field is AttributeGraph or AttributeGraphs)
            {
                ReadGraph(attribute.ReadNested(), key, depth + 1);
            }
            else
            {
                attribute.Skip(field, wire);
            }
        }
    }

    private static void ReadSparseTensor(ProtoReader sparse, string key)
    {
        while (sparse.TryReadTag(out int field, out WireType wire))
        {
            if (field is SparseValues or SparseIndices && wire == WireType.LengthDelimited)
            {
                ReadTensor(sparse.ReadNested(), key);
            }
            else
            {
                sparse.Skip(field, wire);
            }
        }
    }

    private static void ReadTensor(ProtoReader tensor, string key)
    {
        string name = "";
        string? location = null;
        bool external = false;
        while (tensor.TryReadTag(out int field, out WireType wire))
        {
            if (field == TensorName && wire == WireType.LengthDelimited)
            {
                name = Encoding.UTF8.GetString(tensor.ReadLengthDelimited(out _));
            }
            else if (field == TensorDataLocation && wire == WireType.Varint)
            {
                external = tensor.ReadVarint() == LocationExternal;
            }
            else if (field == TensorExternalData && wire == WireType.LengthDelimited)
            {
                location = ReadLocation(tensor.ReadNested()) ?? location;
            }
            else
            {
                tensor.Skip(field, wire);
            }
        }

        if (external)
        {
            throw new AiBackendException(
                AiErrorCode.InvalidModel,
                $"model '{key}' keeps tensor '{name}' in external data at location '{location}'; external data is refused because ONNX Runtime would read that file from the host");
        }
    }

    private static string? ReadLocation(ProtoReader entry)
    {
        string? entryKey = null;
        string? value = null;
        while (entry.TryReadTag(out int field, out WireType wire))
        {
            if (field == EntryKey && wire == WireType.LengthDelimited)
            {
                entryKey = Encoding.UTF8.GetString(entry.ReadLengthDelimited(out _));
            }
            else if (field == EntryValue && wire == WireType.LengthDelimited)
            {
                value = Encoding.UTF8.GetString(entry.ReadLengthDelimited(out _));
            }
            else
            {
                entry.Skip(field, wire);
            }
        }

        return entryKey == "location" ? value : null;
    }
}
