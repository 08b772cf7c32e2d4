namespace RedisAI.Testing.Onnx;

/// <summary>A node attribute (ONNX <c>AttributeProto</c>). Create one with the static factory methods.</summary>
public sealed class OnnxAttr
{
    private readonly Action<ProtoWriter> _writeValue;

    private OnnxAttr(string name, int type, Action<ProtoWriter> writeValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type;
        _writeValue = writeValue;
    }

    /// <summary>Attribute name, e.g. <c>axis</c>.</summary>
    public string Name { get; }

    private int Type { get; }

    /// <summary>An INT attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttr FromInt64(string name, long value) =>
        new(name, OnnxFields.AttributeType.Int, w => w.WriteInt64(OnnxFields.Attribute.I, value));

    /// <summary>A FLOAT attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttr FromFloat(string name, float value) =>
        new(name, OnnxFields.AttributeType.Float, w => w.WriteFloat(OnnxFields.Attribute.F, value));

    /// <summary>A STRING attribute (UTF-8 encoded).</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttr FromString(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(name, OnnxFields.AttributeType.String, w => w.WriteString(OnnxFields.Attribute.S, value));
    }

    /// <summary>An INTS attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="values">Values.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttr FromInt64s(string name, params long[] values)
    {
        var copy = (long[])values.Clone();
        return new(name, OnnxFields.AttributeType.Ints, w => w.WritePackedInt64(OnnxFields.Attribute.Ints, copy));
    }

    /// <summary>A FLOATS attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="values">Values.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttr FromFloats(string name, params float[] values)
    {
        var copy = (float[])values.Clone();
        return new(name, OnnxFields.AttributeType.Floats, w => w.WritePackedFloat(OnnxFields.Attribute.Floats, copy));
    }

    /// <summary>A STRINGS attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="values">Values.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttr FromStrings(string name, params string[] values)
    {
        var copy = (string[])values.Clone();
        return new(name, OnnxFields.AttributeType.Strings, w =>
        {
            foreach (var value in copy)
            {
                w.WriteString(OnnxFields.Attribute.Strings, value);
            }
        });
    }

    /// <summary>A TENSOR attribute, e.g. the <c>value</c> of a <c>Constant</c> node.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Tensor value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttr FromTensor(string name, OnnxTensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(name, OnnxFields.AttributeType.Tensor, w => w.WriteMessage(OnnxFields.Attribute.T, value.WriteTo));
    }

    /// <summary>A GRAPH attribute: a subgraph such as the <c>body</c> of <c>Loop</c> or a branch of <c>If</c>.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Subgraph; it may reference values of the enclosing graph by name.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttr FromGraph(string name, OnnxGraphBuilder value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(name, OnnxFields.AttributeType.Graph, w => w.WriteMessage(OnnxFields.Attribute.G, value.WriteTo));
    }

    internal void WriteTo(ProtoWriter writer)
    {
        writer.WriteString(OnnxFields.Attribute.Name, Name);
        writer.WriteInt64(OnnxFields.Attribute.Type, Type);
        _writeValue(writer);
    }
}
