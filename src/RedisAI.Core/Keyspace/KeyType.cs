namespace RedisAI;

/// <summary>The kind of value a key holds.</summary>
public enum KeyType
{
    /// <summary>An <see cref="AiTensor"/> (RedisAI's <c>AI_TENSOR</c>).</summary>
    Tensor = 1,

    /// <summary>A model (RedisAI's <c>AI__MODEL</c>).</summary>
    Model = 2,

    /// <summary>A script (RedisAI's <c>AI_SCRIPT</c>).</summary>
    Script = 3,
}
