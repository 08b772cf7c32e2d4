namespace RedisAI.Testing.Onnx;

/// <summary>
/// Fluent builder of an ONNX <c>GraphProto</c>, shared by <see cref="OnnxModelBuilder"/> (the main graph)
/// and <see cref="OnnxGraphBuilder"/> (subgraphs). <typeparamref name="TSelf"/> lets each chain return its own type.
/// </summary>
/// <typeparam name="TSelf">The concrete builder type.</typeparam>
public abstract class OnnxGraphBuilderBase<TSelf>
    where TSelf : OnnxGraphBuilderBase<TSelf>
{
    private readonly List<Action<ProtoWriter>> _nodes = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<Action<ProtoWriter>> _inputs = [];
    private readonly List<Action<ProtoWriter>> _outputs = [];

    /// <summary>Initializes the builder.</summary>
    /// <param name="graphName">Graph name.</param>
    protected OnnxGraphBuilderBase(string graphName)
    {
        ArgumentNullException.ThrowIfNull(graphName);
        GraphName = graphName;
    }

    /// <summary>Graph name written to <c>GraphProto.name</c>.</summary>
    public string GraphName { get; private set; }

    private TSelf Self => (TSelf)this;

    /// <summary>Sets the graph name.</summary>
    /// <param name="name">Graph name.</param>
    /// <returns>This builder.</returns>
    public TSelf WithGraphName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        GraphName = name;
        return Self;
    }

    /// <summary>Declares a graph input.</summary>
    /// <param name="name">Input name.</param>
    /// <param name="elementType">Element type.</param>
    /// <param name="dims">
    /// One entry per dimension: a <see cref="long"/> or <see cref="int"/> (fixed size), a <see cref="string"/>
    /// (symbolic size, e.g. <c>"batch"</c>) or <see langword="null"/> (unknown size). An empty array is a scalar;
    /// a <see langword="null"/> array leaves the rank unknown.
    /// </param>
    /// <returns>This builder.</returns>
    public TSelf AddInput(string name, OnnxElementType elementType, params object?[]? dims)
    {
        _inputs.Add(ValueInfo(name, elementType, dims));
        return Self;
    }

    /// <summary>Declares a graph output; see <see cref="AddInput"/> for <paramref name="dims"/>.</summary>
    /// <param name="name">Output name.</param>
    /// <param name="elementType">Element type.</param>
    /// <param name="dims">Dimensions, as for <see cref="AddInput"/>.</param>
    /// <returns>This builder.</returns>
    public TSelf AddOutput(string name, OnnxElementType elementType, params object?[]? dims)
    {
        _outputs.Add(ValueInfo(name, elementType, dims));
        return Self;
    }

    /// <summary>Adds a node of the default ONNX domain with an automatic name.</summary>
    /// <param name="opType">Operator, e.g. <c>MatMul</c>.</param>
    /// <param name="inputs">Input value names in operator order; <c>""</c> skips an optional input.</param>
    /// <param name="outputs">Output value names.</param>
    /// <param name="attributes">Attributes.</param>
    /// <returns>This builder.</returns>
    public TSelf AddNode(string opType, string[] inputs, string[] outputs, params OnnxAttr[] attributes) =>
        AddNode(opType, inputs, outputs, null, null, attributes);

    /// <summary>Adds a node.</summary>
    /// <param name="opType">Operator, e.g. <c>MatMul</c>.</param>
    /// <param name="inputs">Input value names in operator order; <c>""</c> skips an optional input.</param>
    /// <param name="outputs">Output value names.</param>
    /// <param name="name">Node name; <see langword="null"/> picks one from the position.</param>
    /// <param name="domain">Operator domain, e.g. <c>ai.onnx.ml</c>; <see langword="null"/> for the default domain.</param>
    /// <param name="attributes">Attributes.</param>
    /// <returns>This builder.</returns>
    public TSelf AddNode(string opType, string[] inputs, string[] outputs, string? name, string? domain, params OnnxAttr[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(attributes);
        name ??= $"{opType}_{_nodes.Count}";
        string[] inputsCopy = [.. inputs], outputsCopy = [.. outputs];
        OnnxAttr[] attributesCopy = [.. attributes];
        _nodes.Add(w =>
        {
            foreach (var input in inputsCopy)
            {
                w.WriteString(OnnxFields.Node.Input, input);
            }

            foreach (var output in outputsCopy)
            {
                w.WriteString(OnnxFields.Node.Output, output);
            }

            w.WriteString(OnnxFields.Node.Name, name);
            w.WriteString(OnnxFields.Node.OpType, opType);
            foreach (var attribute in attributesCopy)
            {
                w.WriteMessage(OnnxFields.Node.Attribute, attribute.WriteTo);
            }

            if (!string.IsNullOrEmpty(domain))
            {
                w.WriteString(OnnxFields.Node.Domain, domain);
            }
        });
        return Self;
    }

    /// <summary>Adds a constant (initializer) tensor.</summary>
    /// <param name="tensor">The tensor; referenced by its name.</param>
    /// <returns>This builder.</returns>
    public TSelf AddInitializer(OnnxTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _initializers.Add(tensor);
        return Self;
    }

    /// <summary>Adds a constant tensor from raw little-endian bytes.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="elementType">Element type (not STRING).</param>
    /// <param name="dims">Shape; empty for a scalar.</param>
    /// <param name="rawData">Element bytes in row-major order.</param>
    /// <returns>This builder.</returns>
    public TSelf AddInitializer(string name, OnnxElementType elementType, long[] dims, ReadOnlySpan<byte> rawData) =>
        AddInitializer(new OnnxTensor(name, elementType, dims, rawData));

    /// <summary>Adds a FLOAT constant tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dims">Shape; empty for a scalar.</param>
    /// <param name="values">Elements in row-major order.</param>
    /// <returns>This builder.</returns>
    public TSelf AddInitializer(string name, long[] dims, float[] values) =>
        AddInitializer(OnnxTensor.FromFloats(name, dims, values));

    /// <summary>Adds an INT64 constant tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dims">Shape; empty for a scalar.</param>
    /// <param name="values">Elements in row-major order.</param>
    /// <returns>This builder.</returns>
    public TSelf AddInitializer(string name, long[] dims, long[] values) =>
        AddInitializer(OnnxTensor.FromInt64s(name, dims, values));

    /// <summary>Adds an INT32 constant tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="dims">Shape; empty for a scalar.</param>
    /// <param name="values">Elements in row-major order.</param>
    /// <returns>This builder.</returns>
    public TSelf AddInitializer(string name, long[] dims, int[] values) =>
        AddInitializer(OnnxTensor.FromInt32s(name, dims, values));

    internal void WriteTo(ProtoWriter writer)
    {
        foreach (var node in _nodes)
        {
            writer.WriteMessage(OnnxFields.Graph.Node, node);
        }

        writer.WriteString(OnnxFields.Graph.Name, GraphName);
        foreach (var initializer in _initializers)
        {
            writer.WriteMessage(OnnxFields.Graph.Initializer, initializer.WriteTo);
        }

        foreach (var input in _inputs)
        {
            writer.WriteMessage(OnnxFields.Graph.Input, input);
        }

        foreach (var output in _outputs)
        {
            writer.WriteMessage(OnnxFields.Graph.Output, output);
        }
    }

    private static Action<ProtoWriter> ValueInfo(string name, OnnxElementType elementType, object?[]? dims)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var writeDims = dims?.Select(DimensionWriter).ToArray();
        return w =>
        {
            w.WriteString(OnnxFields.ValueInfo.Name, name);
            w.WriteMessage(OnnxFields.ValueInfo.Type, type => type.WriteMessage(OnnxFields.TypeProto.TensorType, tensor =>
            {
                tensor.WriteInt64(OnnxFields.TensorTypeProto.ElemType, (long)elementType);
                if (writeDims is not null)
                {
                    // A present but empty shape means rank 0; an absent shape means unknown rank.
                    tensor.WriteMessage(OnnxFields.TensorTypeProto.Shape, shape =>
                    {
                        foreach (var writeDim in writeDims)
                        {
                            shape.WriteMessage(OnnxFields.TensorShape.Dim, writeDim);
                        }
                    });
                }
            }));
        };
    }

    // A Dimension with neither dim_value nor dim_param means "size unknown".
    private static void WriteUnknownDimension(ProtoWriter writer)
    {
    }

    private static Action<ProtoWriter> DimensionWriter(object? dim) => dim switch
    {
        null => WriteUnknownDimension,
        long value => w => w.WriteInt64(OnnxFields.Dimension.DimValue, value),
        int value => w => w.WriteInt64(OnnxFields.Dimension.DimValue, value),
        string param => w => w.WriteString(OnnxFields.Dimension.DimParam, param),
        _ => throw new ArgumentException($"Dimension must be long, int, string or null, not {dim.GetType().Name}.", nameof(dim)),
    };
}
