namespace RedisAI.Testing.Onnx;

/// <summary>
/// Builds a subgraph for a GRAPH attribute (see <see cref="OnnxAttr.FromGraph"/>), e.g. a <c>Loop</c> body.
/// The subgraph is serialised when the enclosing model is built, so it must be complete by then.
/// </summary>
public sealed class OnnxGraphBuilder : OnnxGraphBuilderBase<OnnxGraphBuilder>
{
    /// <summary>Creates an empty subgraph.</summary>
    /// <param name="name">Graph name.</param>
    public OnnxGraphBuilder(string name = "subgraph")
        : base(name)
    {
    }
}
