namespace RedisAI;

/// <summary>A value an operation reads: a loaded tensor, or output <see cref="Output"/> of operation <see cref="Producer"/>.</summary>
internal readonly record struct DagValue(int Producer, int Output, AiTensor? Tensor)
{
    public static DagValue Loaded(AiTensor tensor) => new(-1, 0, tensor);

    public static DagValue Produced(int producer, int output) => new(producer, output, null);

    /// <summary>The value once its producer has completed successfully.</summary>
    public AiTensor Resolve(Task<AiTensor[]>[] operations) => Tensor ?? operations[Producer].Result[Output];
}
