namespace RedisAI;

/// <summary>What a DAG returns: the tensors its <see cref="DagBuilder.GetTensor"/> operations read, in operation order.</summary>
/// <param name="Tensors">One tensor per GetTensor operation, in order.</param>
public sealed record DagResult(IReadOnlyList<AiTensor> Tensors);
