namespace RedisAI.Testing.Onnx;

/// <summary>
/// Fluent builder of a serialised ONNX <c>ModelProto</c>: declare inputs, outputs, nodes and initializers,
/// then call <see cref="Build"/> and hand the bytes to ONNX Runtime.
/// </summary>
/// <example><code>
/// byte[] model = new OnnxModelBuilder()
///     .AddInput("a", OnnxElementType.Float, "batch", 2)
///     .AddInput("b", OnnxElementType.Float, "batch", 2)
///     .AddOutput("c", OnnxElementType.Float, "batch", 2)
///     .AddNode("Mul", ["a", "b"], ["c"])
///     .Build();
/// </code></example>
public sealed class OnnxModelBuilder : OnnxGraphBuilderBase<OnnxModelBuilder>
{
    /// <summary>Default IR version: 8 is what opset 17 was released with, and every current runtime loads it.</summary>
    public const long DefaultIrVersion = 8;

    /// <summary>Default opset of the default ("ai.onnx") domain.</summary>
    public const long DefaultOpset = 17;

    private readonly Dictionary<string, long> _opsets = new(StringComparer.Ordinal) { [""] = DefaultOpset };
    private long _irVersion = DefaultIrVersion;

    /// <summary>Creates an empty model.</summary>
    /// <param name="graphName">Name of the main graph.</param>
    public OnnxModelBuilder(string graphName = "main")
        : base(graphName)
    {
    }

    /// <summary>Sets <c>ModelProto.ir_version</c>.</summary>
    /// <param name="irVersion">IR version.</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder WithIrVersion(long irVersion)
    {
        _irVersion = irVersion;
        return this;
    }

    /// <summary>Imports an operator set, or changes the version of one already imported.</summary>
    /// <param name="domain">Domain: <c>""</c> for the default ONNX domain, or e.g. <c>ai.onnx.ml</c>.</param>
    /// <param name="version">Opset version.</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder WithOpset(string domain, long version)
    {
        ArgumentNullException.ThrowIfNull(domain);
        _opsets[domain] = version;
        return this;
    }

    /// <summary>Sets the opset version of the default ONNX domain.</summary>
    /// <param name="version">Opset version.</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder WithOpset(long version) => WithOpset("", version);

    /// <summary>Serialises the model.</summary>
    /// <returns>The ONNX model bytes.</returns>
    public byte[] Build()
    {
        var writer = new ProtoWriter();
        writer.WriteInt64(OnnxFields.Model.IrVersion, _irVersion);
        writer.WriteString(OnnxFields.Model.ProducerName, "RedisAI.Testing.Onnx");
        writer.WriteMessage(OnnxFields.Model.Graph, WriteTo);
        foreach (var (domain, version) in _opsets)
        {
            writer.WriteMessage(OnnxFields.Model.OpsetImport, w =>
            {
                w.WriteString(OnnxFields.OperatorSetId.Domain, domain);
                w.WriteInt64(OnnxFields.OperatorSetId.Version, version);
            });
        }

        return writer.ToArray();
    }
}
