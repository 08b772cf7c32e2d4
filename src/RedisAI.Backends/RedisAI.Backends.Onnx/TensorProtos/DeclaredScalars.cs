using System.Text;

namespace RedisAI.Backends.Onnx.TensorProtos;

/// <summary>
/// Finds the graph inputs and outputs that an ONNX model declares as scalars: a shape with no dimensions. ONNX
/// Runtime's C# metadata reports rank 0 both for these and for a value with no declared shape, so the model itself
/// is read to tell them apart.
/// </summary>
internal static class DeclaredScalars
{
    // Field numbers from onnx.proto: ModelProto.graph, GraphProto.input/output, ValueInfoProto.name/type,
    // TypeProto.tensor_type, TypeProto.Tensor.shape, TensorShapeProto.dim.
    private const int ModelGraph = 7;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;
    private const int ValueInfoName = 1;
    private const int ValueInfoType = 2;
    private const int TypeTensor = 1;
    private const int TensorShape = 2;
    private const int ShapeDim = 1;

    /// <summary>The names of the main graph's inputs and outputs declared with a shape of rank 0.</summary>
    /// <param name="model">The model bytes ONNX Runtime loaded.</param>
    /// <returns>The names; empty when <paramref name="model"/> is not an ONNX <c>ModelProto</c>.</returns>
    public static HashSet<string> Find(ReadOnlySpan<byte> model)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new ProtoReader(model, "ONNX model");
            while (reader.TryReadTag(out int field, out WireType wire))
            {
                if (field == ModelGraph && wire == WireType.LengthDelimited)
                {
                    ReadGraph(reader.ReadNested(), names);
                }
                else
                {
                    reader.Skip(field, wire);
                }
            }
        }
        catch (AiArgumentException)
        {
            // ONNX Runtime has loaded these bytes, so they are a model in its own flatbuffer format (.ort), not a
            // broken ONNX file: nothing is known to be a scalar, and rank-0 metadata stays an unknown shape.
            names.Clear();
        }

        return names;
    }

    private static void ReadGraph(ProtoReader graph, HashSet<string> names)
    {
        while (graph.TryReadTag(out int field, out WireType wire))
        {
            if (field is GraphInput or GraphOutput && wire == WireType.LengthDelimited)
            {
                ReadValueInfo(graph.ReadNested(), names);
            }
            else
            {
                graph.Skip(field, wire);
            }
        }
    }

    private static void ReadValueInfo(ProtoReader valueInfo, HashSet<string> names)
    {
        string? name = null;
        bool scalar = false;
        while (valueInfo.TryReadTag(out int field, out WireType wire))
        {
            if (field == ValueInfoName && wire == WireType.LengthDelimited)
            {
                name = Encoding.UTF8.GetString(valueInfo.ReadLengthDelimited(out _));
            }
            else if (field == ValueInfoType && wire == WireType.LengthDelimited)
            {
                scalar = IsScalarTensorType(valueInfo.ReadNested());
            }
            else
            {
                valueInfo.Skip(field, wire);
            }
        }

        if (scalar && name is not null)
        {
            names.Add(name);
        }
    }

    private static bool IsScalarTensorType(ProtoReader type)
    {
        bool scalar = false;
        while (type.TryReadTag(out int field, out WireType wire))
        {
            if (field == TypeTensor && wire == WireType.LengthDelimited)
            {
                scalar = HasShapeWithoutDimensions(type.ReadNested());
            }
            else
            {
                type.Skip(field, wire);
            }
        }

        return scalar;
    }

    // A present but empty shape is rank 0; an absent one is an unknown shape.
    private static bool HasShapeWithoutDimensions(ProtoReader tensorType)
    {
        bool hasShape = false;
        bool hasDimension = false;
        while (tensorType.TryReadTag(out int field, out WireType wire))
        {
            if (field == TensorShape && wire == WireType.LengthDelimited)
            {
                hasShape = true;
                ProtoReader shape = tensorType.ReadNested();
                while (shape.TryReadTag(out int shapeField, out WireType shapeWire))
                {
                    hasDimension |= shapeField == ShapeDim;
                    shape.Skip(shapeField, shapeWire);
                }
            }
            else
            {
                tensorType.Skip(field, wire);
            }
        }

        return hasShape && !hasDimension;
    }
}
